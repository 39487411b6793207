"""`grader adjust`: change a grade by hand, beside the autograded result."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from grader.adjust import Grade, add_adjustment, final_grade
from grader.commands.base import Command, add_course_option, course_of
from grader.errors import AdjustError
from grader.results import read_result, results_path

__all__ = ["AdjustCommand"]


class AdjustCommand(Command):
    """Add points to a grade or take them away, with a reason the student sees; or, with no
    --points and no --reason, show how the grade is made up."""

    name = "adjust"
    help = "add or take points from one student's grade, with a reason (kept beside the result)"
    epilog = """examples:
  grader adjust flask-hub ana --points -5 --reason "the admin token is in the code"
  grader adjust flask-hub ana --points 3 --reason "test 412 failed on our side; re-checked"
  grader adjust flask-hub ana --reason "regrade asked for; looked again, the grade stands"
  grader adjust flask-hub ana                  show the autograded score, the adjustments,
                                               the late penalty and the final grade

Adjustments go to autograded/<student>/<assignment>/adjustments.json, beside results.json,
which is never changed: regrading keeps them. To take one back, add the opposite one.
The late penalty comes from course.toml ([late], and the assignment's deadline and
extensions) and the submission's timestamp.txt; it is worked out again every time.
The student's feedback page is written again with the new grade."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the assignment, the student, --points, --reason, --by and --course-dir."""
        parser.add_argument("assignment", metavar="ASSIGNMENT",
                            help="the assignment, as named in course.toml")
        parser.add_argument("student", metavar="STUDENT", help="the student's id")
        parser.add_argument("--points", type=float, default=None, metavar="N",
                            help="points to add (negative to take away); leave out for a note")
        parser.add_argument("--reason", default=None, metavar="TEXT",
                            help="why, in words the student will read on the feedback page")
        parser.add_argument("--by", default=None, metavar="NAME",
                            help="who adjusts (default: your login name)")
        parser.add_argument(
            "--course-dir", metavar="DIR", type=Path, default=Path("."),
            help="the course directory holding autograded/ (default: the current directory)",
        )
        add_course_option(parser)

    def run(self, args: argparse.Namespace) -> int:
        """Record the adjustment, write the feedback page again, show the grade."""
        from grader.feedback import write_feedback  # imported late: it loads the hub guide

        course = course_of(args)
        course.get(args.assignment)
        course_dir = args.course_dir.resolve()
        path = results_path(course_dir, args.student, args.assignment)
        result = read_result(path)
        if result is None:
            raise AdjustError(
                f"{args.student} has no graded {args.assignment} (no {path}). Grade it first: "
                f"grader grade {args.assignment} --student {args.student}")
        if args.points is not None or args.reason is not None:
            if args.points is not None and args.reason is None:
                raise AdjustError('Say why, for the student and for you later: --reason "..."')
            add_adjustment(course_dir, args.student, args.assignment, args.points or 0.0,
                           args.reason, by=args.by)
            write_feedback(course_dir, result, course=course)
        self.console.print(grade_table(final_grade(course, course_dir, result)))
        return 0


def grade_table(grade: Grade) -> Table:
    """How one grade is made up: autograded, each adjustment, the late penalty, final."""
    table = Table(title=f"{grade.assignment}: {escape(grade.student)}", show_header=False)
    table.add_column("what")
    table.add_column("points", justify="right")
    table.add_row(f"autograded ({grade.status})", f"{grade.autograded:g}")
    for entry in grade.adjustments:
        table.add_row(f"{escape(entry['reason'])} [dim]({escape(str(entry.get('by', '')))}, "
                      f"{entry.get('at', '')})[/]", f"{float(entry['points']):+g}")
    if grade.late:
        table.add_row(f"late: {grade.late['days_late']} day(s) past {grade.late['deadline']}",
                      f"{grade.late['points']:+g}")
    table.add_row("[bold]final[/]", f"[bold]{grade.final:g} / {grade.max_score:g}[/]")
    return table
