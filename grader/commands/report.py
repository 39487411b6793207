"""`grader report`: the class report of one assignment, one self-contained HTML page."""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.commands.base import Command, add_course_option, course_of

__all__ = ["ReportCommand"]


class ReportCommand(Command):
    """Write the class report of an assignment: one HTML page for the instructor."""

    name = "report"
    help = "write the class report of an assignment (one HTML page)"
    epilog = """examples:
  grader report flask-hub                      ./reports/flask-hub.html
  grader report flask-hub --course-dir ~/course
  grader report 01-serial --out /tmp/serial.html

The page is one file (no network needed: CSS inline, the histogram an inline SVG) that
links to each student's feedback page, relatively: keep it in <course-dir>/reports/ or
give --out a place from where feedback/ is reachable. Grades are final grades: the
autograded score, plus `grader adjust` adjustments, plus the late penalty of course.toml.
Identical and near-identical submissions are a hint, not a verdict: look at them."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the assignment, --course-dir and --out."""
        parser.add_argument("assignment", metavar="ASSIGNMENT",
                            help="the assignment to report on, as named in course.toml")
        parser.add_argument(
            "--course-dir", metavar="DIR", type=Path, default=Path("."),
            help="the course directory holding submitted/ and autograded/ (default: the "
            "current directory)",
        )
        parser.add_argument(
            "--out", metavar="FILE", type=Path, default=None,
            help="the HTML file to write (default: <course-dir>/reports/<assignment>.html)")
        add_course_option(parser)

    def run(self, args: argparse.Namespace) -> int:
        """Write the report, print a short summary and where the page is."""
        from grader.report import summary_table, write_report  # matplotlib loads late

        report, path = write_report(course_of(args), args.assignment,
                                    course_dir=args.course_dir, out=args.out)
        self.console.print(summary_table(report))
        self.console.print(f"Wrote {path}")
        return 0
