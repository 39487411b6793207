"""What `make lab` puts in your workspace, and what it does when you run it again.

`make lab` runs `grader workspace`, which calls `build_workspace()`. This example builds a
workspace twice in a temporary folder, prints what happened to each assignment each time,
then prints the folders and files you see in JupyterLab's file browser.
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

from grader.course import load_course
from grader.workspace import build_workspace


def print_changes(title: str, report) -> None:
    """One line per assignment: its folder and what the build did with it."""
    print(title)
    for change in report.changes:
        detail = f"({change.detail})" if change.action == "added" else ""
        if change.action == "skipped":
            detail = "(not written yet)"
        print(f"  {change.name:<12} {change.action:<8} {detail}".rstrip())


def listing(folder: Path) -> list[Path]:
    """What JupyterLab lists in `folder`: folders first, then files, by name in any case."""
    visible = [p for p in folder.iterdir() if not p.name.startswith(".")]
    return sorted(visible, key=lambda p: (p.is_file(), p.name.lower()))


def print_tree(workspace: Path, course) -> None:
    """The workspace as the file browser shows it: a notebook folder in full, a project's
    top level only (its files wrapped onto a few lines)."""
    for path in listing(workspace):
        if path.is_file():
            print(f"  {path.name}")
            continue
        print(f"  {path.name}/")
        assignment = course.assignments.get(path.name)
        if assignment is not None and assignment.is_project:
            names = "  ".join(p.name + ("/" if p.is_dir() else "") for p in listing(path))
            print(textwrap.fill(names, width=80, initial_indent=" " * 6,
                                subsequent_indent=" " * 6, break_on_hyphens=False))
        else:
            for child in sorted(p for p in path.rglob("*") if p.is_file()
                                and ".ipynb_checkpoints" not in p.parts):
                print(f"      {child.relative_to(path).as_posix()}")


def main() -> None:
    course = load_course(Path.cwd())
    with tempfile.TemporaryDirectory() as scratch:
        workspace = Path(scratch) / "workspace"
        print_changes("The first `make lab`:", build_workspace(course, workspace))
        print()
        print_changes("The second `make lab`:", build_workspace(course, workspace))
        print()
        print("What the file browser shows in workspace/:")
        print_tree(workspace, course)


if __name__ == "__main__":
    main()
