"""What each checkpoint still leaves to write: its TODO lines, by stage."""

import re
from collections import Counter

from django_hub import starter_at

TODO = re.compile(r"^ *# TODO stage (\d)", re.MULTILINE)

for stage in range(5):
    with starter_at(stage) as folder:
        todos = Counter()
        for path in sorted((folder / "hub").glob("*.py")):
            todos.update(int(k) for k in TODO.findall(path.read_text()))
    left = ", ".join(f"stage {k}: {todos[k]}" for k in sorted(todos)) or "nothing"
    print(f"checkpoint {stage}: TODO lines left -> {left}")
