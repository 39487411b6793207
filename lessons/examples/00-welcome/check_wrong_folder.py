"""The first mistake with `grader check`: running it in the wrong folder.

A new terminal starts in the workspace, not in the project. `grader check` there finds no
hub to test and says so on its error output; this example prints that message (with the
temporary folder shown as /home/you/workspace) and the exit status.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from grader.course import load_course
from grader.workspace import build_workspace

SHOWN_AS = "/home/you/workspace"  # the temporary folder changes every run; a stable name


def main() -> None:
    course = load_course(Path.cwd())
    with tempfile.TemporaryDirectory() as scratch:
        workspace = (Path(scratch) / "workspace").resolve()
        build_workspace(course, workspace, names=["flask-hub"])
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "1000"}  # one line; wrapped below
        result = subprocess.run([sys.executable, "-m", "grader", "check"], cwd=workspace,
                                env=env, capture_output=True, text=True, timeout=110)
    message = result.stderr.strip().replace(str(workspace), SHOWN_AS)
    print("$ grader check")
    print(textwrap.fill(message, width=80, break_on_hyphens=False))
    print(f"(exit status {result.returncode})")


if __name__ == "__main__":
    main()
