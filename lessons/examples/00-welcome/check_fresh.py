"""`grader check` on a fresh flask-hub starter: the stages, then what to do first.

The example makes a workspace with only flask-hub in a temporary folder (what `make lab`
does), runs `grader check` inside flask-hub/ as you would in a terminal, and prints the
first lines (the stages) and the last lines (the total and the next test). The lines in
between, every test of stage 1 with its hint, are left out here to keep it short.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from grader.course import load_course
from grader.workspace import build_workspace


def grader_check(folder: Path) -> list[str]:
    """Run `grader check` in `folder` and return the lines it printed."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80"}  # a terminal 80 characters wide
    result = subprocess.run([sys.executable, "-m", "grader", "check"], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=110)
    return result.stdout.splitlines()


def main() -> None:
    course = load_course(Path.cwd())
    with tempfile.TemporaryDirectory() as scratch:
        workspace = Path(scratch) / "workspace"
        build_workspace(course, workspace, names=["flask-hub"])
        lines = grader_check(workspace / "flask-hub")
    stages_end = lines.index("")  # the stage table ends at the first empty line
    total = next(i for i, line in enumerate(lines) if line.startswith("Total:"))
    print("$ cd flask-hub")
    print("$ grader check")
    print("\n".join(lines[:stages_end]))
    print()
    print("[... every test of stage 1, with its hint and what your hub answered ...]")
    print()
    print("\n".join(lines[total:]))


if __name__ == "__main__":
    main()
