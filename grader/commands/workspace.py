"""`grader workspace`: the students' workspace that `make lab` opens."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from grader.commands.base import Command, add_course_option, course_of
from grader.workspace import CONFIG_DIR, START_PAGE, build_workspace

__all__ = ["WorkspaceCommand"]

STYLES = {"added": "green", "updated": "green", "kept": "cyan", "skipped": "yellow",
          "failed": "bold red"}


class WorkspaceCommand(Command):
    """Make or complete a students' workspace from the released assignments, never
    overwriting what is already in it."""

    name = "workspace"
    help = "make or complete a students' workspace (released assignments) without overwriting"
    epilog = f"""examples:
  grader workspace                    workspace/ in the course repository (what `make lab` runs)
  grader workspace --out ~/b2b flask-hub

An assignment missing from the workspace is released into it (as `grader release` makes
it); an assignment already there is kept as it is, except that a notebook assignment gets
the notebooks it lacks. {START_PAGE} is the start page; {CONFIG_DIR}/ holds the student
lab's configuration (nbgrader's Validate on, its instructor tools off), used by `make lab`
through JUPYTER_CONFIG_PATH. Exit status 1 when an assignment could not be released."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the assignment names and --out."""
        parser.add_argument(
            "assignments", nargs="*", metavar="ASSIGNMENT",
            help="assignments to add (default: every assignment in course.toml)",
        )
        parser.add_argument(
            "--out", metavar="DIR", type=Path, default=None,
            help="the workspace (default: workspace/ in the course repository)",
        )
        add_course_option(parser)

    def run(self, args: argparse.Namespace) -> int:
        """Build the workspace, then print what was added and what was kept."""
        course = course_of(args)
        root = (args.out or course.root / "workspace").resolve()
        report = build_workspace(course, root, names=args.assignments)
        table = Table(title=f"Workspace {root}")
        for column in ("name", "what happened", "details"):
            table.add_column(column, overflow="fold")
        for change in report.changes:
            style = STYLES.get(change.action, "")
            table.add_row(change.name, f"[{style}]{change.action}[/]", escape(change.detail))
        self.console.print(table)
        if report.failed:
            self.console.print("[bold red]Some assignments could not be released[/]: fix them "
                               "in the course sources, then run this again.")
            return 1
        return 0
