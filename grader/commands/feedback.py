"""`grader feedback`: write the feedback pages again, bundle them, release them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from grader.commands.base import Command, add_course_option, course_of
from grader.course import Course
from grader.errors import CourseError, FeedbackError

if TYPE_CHECKING:
    from grader.handback import Handback, Released

__all__ = ["FeedbackCommand"]

_NO_EXCHANGE = (
    "No nbgrader exchange is configured, so there is nothing to release into (nothing was "
    "written). Without --release this command writes the pages and a bundle per student, "
    "{bundles}/<student>.zip, to hand back through your LMS. To use an exchange "
    "(JupyterHub), set c.Exchange.root in nbgrader_config.py or pass --exchange DIR.")


class FeedbackCommand(Command):
    """Write every student's feedback page again with the current adjustments and late
    penalty, and a bundle per student to hand back; --release puts the pages into
    nbgrader's exchange."""

    name = "feedback"
    help = "write the feedback pages again, a zip per student to hand back, and --release"
    epilog = """examples:
  grader feedback flask-hub                    pages and bundles for every graded student
  grader feedback flask-hub --student ana      only ana's
  grader feedback 03-http --release            also into nbgrader's exchange (JupyterHub)
  grader feedback flask-hub --fetch            (students) fetch your released feedback

Pages: feedback/<student>/<assignment>/index.html, with the final grade (adjustments, late
penalty), the stages, what to do next and the tests. Bundles:
feedback-bundles/<assignment>/<student>.zip, holding index.html, nbgrader's page of each
notebook, and results.json (the grade and the tests, without hidden tests' messages).

--release copies each page into the exchange as `nbgrader release_feedback` does. Students
fetch a notebook's page with `nbgrader fetch_feedback ASSIGNMENT`; the grader's own page
(and a project's, which has no notebook) with `grader feedback ASSIGNMENT --fetch`, into
./<assignment>/feedback/<timestamp>/. Only submissions made through the exchange (nbgrader
submit) can be released; the others are listed: give them their bundle. The exchange is
--exchange DIR, else c.Exchange.root from nbgrader's configuration; with none, --release
stops with an error."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the assignment, --course-dir, --student, --release, --exchange and --fetch."""
        parser.add_argument("assignment", metavar="ASSIGNMENT",
                            help="the assignment, as named in course.toml")
        parser.add_argument(
            "--course-dir", metavar="DIR", type=Path, default=Path("."),
            help="the course directory holding autograded/ (default: the current directory)",
        )
        parser.add_argument("--student", metavar="ID", action="append", default=None,
                            help="only this student (repeat for more)")
        parser.add_argument("--release", action="store_true",
                            help="also release the pages into nbgrader's exchange")
        parser.add_argument("--exchange", metavar="DIR", type=Path, default=None,
                            help="nbgrader's exchange directory (default: c.Exchange.root "
                            "from nbgrader's configuration)")
        parser.add_argument("--fetch", action="store_true",
                            help="(students) fetch your released feedback from the exchange "
                            "into ./<assignment>/feedback/")
        add_course_option(parser)

    def run(self, args: argparse.Namespace) -> int:
        """Check the exchange first (with --release), then write, bundle and release."""
        from grader.handback import (  # imported late: nbgrader is heavy to load
            BUNDLES_DIR,
            exchange_root,
            find_results,
            hand_back,
            release_feedback,
        )

        if args.fetch:  # a student's side: their server may have no course.toml
            return self._fetch(course_for_fetching(args), args)
        course = course_of(args)
        course.get(args.assignment)
        course_dir = args.course_dir.resolve()
        exchange = exchange_root(course, args.exchange) if args.release else None
        if args.release and exchange is None:
            raise FeedbackError(_NO_EXCHANGE.format(
                bundles=course_dir / BUNDLES_DIR / args.assignment))
        results = find_results(course_dir, args.assignment, args.student)
        done = []
        with _progress(self.console) as progress:
            task = progress.add_task(f"feedback for {args.assignment}", total=len(results))
            for result in results.values():
                done.append(hand_back(course, course_dir, result))
                progress.advance(task)
        self.console.print(_table(args.assignment, done))
        size = sum(h.bundle.stat().st_size for h in done)
        self.console.print(f"Pages in {escape(str(course_dir / 'feedback'))}/*/"
                           f"{args.assignment}/; {len(done)} bundle(s), {size / 1024:.0f} KB, "
                           f"in {escape(str(course_dir / BUNDLES_DIR / args.assignment))}/.")
        if exchange is not None:
            released = release_feedback(course, course_dir, args.assignment, list(results),
                                        exchange)
            self._report_release(released, course.id)
            if not released.pages:
                raise FeedbackError(
                    f"None of the {len(results)} submission(s) came through the exchange "
                    "(no submission_secret.txt in submitted/<student>/"
                    f"{args.assignment}/), so none was released: hand back the bundles.")
        return 0

    def _report_release(self, released: Released, course_id: str) -> None:
        """Say what was released where, and who was skipped and why."""
        if released.pages:
            self.console.print(
                f"Released the feedback of {len(released.pages)} student(s) into "
                f"{escape(str(released.exchange / course_id / 'feedback'))}/.")
        for student, why in released.skipped.items():
            self.console.print(f"[yellow]not released:[/] {escape(student)}: {escape(why)}")

    def _fetch(self, course: Course, args: argparse.Namespace) -> int:
        """A student's side: fetch the released pages into ./<assignment>/feedback/."""
        from grader.handback import exchange_root, fetch_feedback

        exchange = exchange_root(course, args.exchange)
        if exchange is None:
            raise FeedbackError("No nbgrader exchange is configured here, so there is no "
                                "feedback to fetch; ask your instructor for your bundle.")
        student = args.student[0] if args.student else None
        pages = fetch_feedback(course, args.assignment, exchange, into=Path.cwd(),
                               student=student)
        if not pages:
            raise FeedbackError(f"No feedback of {args.assignment} released for you yet "
                                "(or you did not submit it through the exchange).")
        for page in pages:
            self.console.print(f"Fetched {escape(str(page))}")
        return 0


def _progress(console: Console) -> Progress:
    """A progress bar: description, bar, done/total, elapsed."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)


def _table(assignment: str, done: list[Handback]) -> Table:
    """A row per student: grade, status, what changed it, the bundle."""
    table = Table(title=f"{assignment}: feedback for {len(done)} student(s)")
    for column in ("student", "grade", "status", "adjusted", "late", "bundle"):
        table.add_column(column, justify="left" if column in ("student", "bundle") else "right")
    for handback in done:
        grade = handback.grade
        not_graded = grade.status in ("needs attention", "error")
        table.add_row(
            escape(handback.student),
            "—" if not_graded else f"{grade.final:g} / {grade.max_score:g}",
            grade.status,
            f"{grade.adjusted:+g}" if grade.adjustments else "",
            f"{grade.late_points:g}" if grade.late else "",
            escape(handback.bundle.name))
    return table


def course_for_fetching(args: argparse.Namespace) -> Course:
    """The course, for a student fetching feedback: from course.toml when there is one, else
    (a JupyterHub where the grader is installed without the repository) just its id, from
    nbgrader's configuration (``c.CourseDirectory.course_id``)."""
    try:
        return course_of(args)
    except CourseError:
        from grader.handback import configured_course_id

        course_id = configured_course_id()
        if course_id is None:
            raise FeedbackError(
                "No course.toml here, and nbgrader's configuration names no course "
                "(c.CourseDirectory.course_id): ask your instructor for your bundle, or run "
                "this where the course is set up.") from None
        return Course(root=Path.cwd(), id=course_id, title=course_id, assignments={})
