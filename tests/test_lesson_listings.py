"""Every listing a lesson shows runs, and prints exactly what the page shows under it.

A lesson's examples live in `lessons/examples/<NN-slug>/`. Each `X.py` with a sibling
`X.out` is run from the repository root as a student would run it, and its output must
equal `X.out`, which the page includes under the listing. After changing an example (or
code it shows), write the new outputs and read the diff before committing:

    UPDATE_LISTINGS=1 .venv/bin/python -m pytest tests/test_lesson_listings.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hubtesting import REPO

EXAMPLES = sorted(p for p in (REPO / "lessons" / "examples").glob("*/*.py")
                  if p.with_suffix(".out").is_file())
UPDATE = os.environ.get("UPDATE_LISTINGS") == "1"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_listing_prints_what_the_page_shows(example: Path):
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONUNBUFFERED": "1", "NO_COLOR": "1",
           "COLUMNS": "88"}
    env.pop("UPDATE_LISTINGS", None)
    result = subprocess.run([sys.executable, str(example)], cwd=REPO, env=env, text=True,
                            capture_output=True, timeout=120)
    assert result.returncode == 0, f"{example.name} failed:\n{result.stderr}"
    expected = example.with_suffix(".out")
    if UPDATE:
        expected.write_text(result.stdout)
    assert result.stdout == expected.read_text(), (
        f"{example.name} prints something else than {expected.name} (the page shows the "
        "file): fix the example, or run with UPDATE_LISTINGS=1 and read the diff")
