"""`grader export`: one gradebook CSV, a summary table and a histogram per assignment."""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.commands.base import Command, add_course_option, course_of
from grader.export import export, histograms, summary_table

__all__ = ["ExportCommand"]


class ExportCommand(Command):
    """Export every score of the course to one CSV, with a summary and histograms."""

    name = "export"
    help = "write one gradebook CSV across notebook and project assignments"
    epilog = """examples:
  grader export                                  ./grades.csv, ./hist-<assignment>.png
  grader export --course-dir ~/course --out ~/grades/spring.csv

One row per student, a column per assignment, then total and max. A missing submission
is an empty cell, not 0. The histograms are written beside the CSV."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add --out, --course-dir and --no-plots."""
        parser.add_argument(
            "--course-dir", metavar="DIR", type=Path, default=Path("."),
            help="the course directory with autograded/ and gradebook.db (default: the "
            "current directory)",
        )
        parser.add_argument("--out", metavar="CSV", type=Path, default=None,
                            help="the CSV to write (default: <course-dir>/grades.csv)")
        parser.add_argument("--no-plots", action="store_true",
                            help="skip the histogram PNGs")
        add_course_option(parser)

    def run(self, args: argparse.Namespace) -> int:
        """Export, print the summary, draw the histograms."""
        book, path = export(course_of(args), course_dir=args.course_dir, out=args.out)
        self.console.print(summary_table(book))
        self.console.print(f"Wrote {path} ({len(book.students)} student(s)).")
        if not args.no_plots:
            for png in histograms(book, path.parent):
                self.console.print(f"Wrote {png}")
        return 0
