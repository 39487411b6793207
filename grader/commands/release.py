"""`grader release`: the student versions of the assignments."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.table import Table

from grader.commands.base import Command, add_course_option, course_of
from grader.release import release

__all__ = ["ReleaseCommand"]


class ReleaseCommand(Command):
    """Release assignments: solutions replaced, hidden tests removed, a zip for each."""

    name = "release"
    help = "make the student versions of assignments (solutions and hidden tests removed)"
    epilog = """examples:
  grader release                      every assignment in course.toml, into release/
  grader release flask-hub --out /tmp/out

Notebooks go through nbgrader generate_assignment (their cells are recorded in the
course directory's gradebook.db); a starter project is copied with every
### BEGIN SOLUTION / ### END SOLUTION block replaced by raise NotImplementedError,
its public contract tests in contract/ and its hidden tests left out."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the assignment names, --out and --course-dir."""
        parser.add_argument(
            "assignments", nargs="*", metavar="ASSIGNMENT",
            help="assignments to release (default: every assignment in course.toml)",
        )
        parser.add_argument(
            "--out", metavar="DIR", type=Path, default=None,
            help="where the released assignments and their zips go (default: release/ in "
            "the course repository)",
        )
        parser.add_argument(
            "--course-dir", metavar="DIR", type=Path, default=Path("."),
            help="the nbgrader course directory whose gradebook.db records the released "
            "notebooks (default: the current directory)",
        )
        add_course_option(parser)

    def run(self, args: argparse.Namespace) -> int:
        """Release, then print what was written."""
        course = course_of(args)
        out = (args.out or course.root / "release").resolve()
        results = release(course, args.assignments, out=out, course_dir=args.course_dir)
        table = Table(title=f"Released into {out}")
        for column in ("assignment", "files", "solutions stripped from", "zip"):
            table.add_column(column)
        for result in results:
            stripped = ", ".join(result.stripped) or "-"
            table.add_row(result.assignment, str(len(result.files)), stripped,
                          result.zip_path.name)
        self.console.print(table)
        return 0
