"""`grader collect`: take students' submissions (a folder, or an LMS's bulk download) into
the course directory, with the layout check. The names it understands, what it unpacks
and drops, and collected/<assignment>.json are described in grader/collect.py."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from grader.collect import Collection, Record, collect
from grader.commands.base import Command, add_course_option, course_of

__all__ = ["CollectCommand"]

_STYLE = {"ok": "green", "needs attention": "yellow", "refused": "red"}


class CollectCommand(Command):
    """Take an assignment's submissions from a folder or an LMS download into submitted/."""

    name = "collect"
    help = "take submissions from a folder or an LMS download into submitted/"
    epilog = """examples:
  grader collect flask-hub ~/Downloads/submissions/        one zip, tarball or folder each
  grader collect flask-hub ~/Downloads/IOT101-flask-hub-submissions.zip   Canvas or Moodle
  grader collect flask-hub ./inbox --times submitted-at.csv --course-dir ~/course

SOURCE holds one entry per student: ana.zip, ana.tar.gz or ana/ (the student id is the
name), or an LMS's names: Canvas's doejane_12345_67890_flask-hub.zip (doejane, also
doejane_LATE_...), Moodle's 'Jane Doe_12345_assignsubmission_file/' (jane-doe).

Each submission is unpacked safely within the course's [grading.intake] limits (links,
devices and names leaving the archive are refused or skipped; __MACOSX, .DS_Store,
__pycache__, .git, .venv and node_modules are dropped), unwrapped when the project
(wsgi.py, manage.py or the notebooks) is in a subfolder, and checked: "ok", "needs
attention: why" (written, and graded as such), or "refused: why" (not written).

The submission time goes to timestamp.txt (nbgrader's format): from --times, a CSV with
the columns student,submitted_at (ISO times, such as 2026-12-01T14:03:00Z), else the
file's modification time. Running again is safe: an unchanged submission is left alone, a
changed one replaced. Every run is recorded in collected/<assignment>.json."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the assignment, SOURCE, --course-dir, --times and --force."""
        parser.add_argument("assignment", metavar="ASSIGNMENT",
                            help="the assignment, as named in course.toml")
        parser.add_argument("source", metavar="SOURCE", type=Path,
                            help="a folder of submissions, or an LMS's bulk-download zip")
        parser.add_argument(
            "--course-dir", metavar="DIR", type=Path, default=Path("."),
            help="the course directory to write submitted/ in (default: the current "
            "directory)")
        parser.add_argument(
            "--times", metavar="CSV", type=Path, default=None,
            help="submission times: a CSV with the columns student and submitted_at (ISO "
            "8601); without it, the files' modification times")
        parser.add_argument(
            "--force", action="store_true",
            help="replace submissions even when their files have not changed (their "
            "timestamp.txt too)")
        add_course_option(parser)

    def run(self, args: argparse.Namespace) -> int:
        """Collect, then print the table and what was left aside."""
        course = course_of(args)
        course.get(args.assignment)
        say = self.console.print
        where = "from --times " + args.times.name if args.times else "from the files' times"
        say(f"Collecting {args.assignment} from {escape(str(args.source))} into "
            f"{escape(str(args.course_dir / 'submitted'))}/ (submission times {where}).")
        collection = collect(course, args.assignment, args.source,
                             course_dir=args.course_dir, times=args.times, force=args.force,
                             console=self.console)
        say(records_table(collection))
        for record in collection.records:
            for note in record.notes:
                say(f"[dim]{escape(record.student)}:[/] {escape(note)}")
        for line in leftovers(collection):
            say(line)
        say(f"Recorded in {escape(str(collection.path))}. Next: grader grade "
            f"{args.assignment}" + (f" --course-dir {escape(str(args.course_dir))}"
                                    if args.course_dir != Path(".") else ""))
        return 0


def records_table(collection: Collection) -> Table:
    """A table: student, from, root found at, files, submitted at, status."""
    counts = _counts(collection.records)
    table = Table(title=f"{collection.assignment}: {len(collection.records)} submission(s)",
                  caption=", ".join(f"{n} {what}" for what, n in counts.items() if n))
    for column in ("student", "from", "root found at", "files", "submitted at", "status"):
        table.add_column(column, justify="right" if column == "files" else "left",
                         overflow="fold")
    for record in collection.records:
        table.add_row(escape(record.student), escape(record.source), escape(record.root),
                      str(record.files) if not record.status.startswith("refused") else "",
                      _when(record), _status(record))
    return table


def _counts(records: list[Record]) -> dict[str, int]:
    """How many are ok, need attention, were refused; and what was replaced or new."""
    kinds = [r.status.split(":")[0] for r in records]
    attention = kinds.count("needs attention")
    return {"ok": kinds.count("ok"),
            f"need{'s' if attention == 1 else ''} attention": attention,
            "refused": kinds.count("refused"),
            "new": sum(r.action == "new" for r in records),
            "replaced": sum(r.action == "replaced" for r in records),
            "unchanged": sum(r.action in ("unchanged", "time updated") for r in records)}


def _when(record: Record) -> str:
    """The submission time in UTC, and where it came from."""
    if not record.submitted_at:
        return ""
    shown = record.submitted_at[:19].replace("T", " ") + " UTC"
    origin = {"times": "--times", "file": "file time", "earlier": "as before"}
    return f"{shown}\n[dim]{origin.get(record.time_source or '', '')}[/]"


def _status(record: Record) -> str:
    """The status, coloured, with what was done below it (unless new, or nothing)."""
    kind = record.status.split(":")[0]
    status = f"[{_STYLE.get(kind, 'white')}]{escape(record.status)}[/]"
    if record.action in ("new", "none"):
        return status
    return f"{status}\n[dim]{escape(record.action)}[/]"


def leftovers(collection: Collection) -> list[str]:
    """Lines for what was not collected: skipped entries, kept students, unused times."""
    lines = [f"[bold yellow]warning:[/] {escape(w)}" for w in collection.warnings]
    if collection.skipped:
        count = len(collection.skipped)
        lines.append(f"[yellow]Skipped {count} {'entry' if count == 1 else 'entries'} of "
                     "SOURCE:[/] "
                     + escape("; ".join(f"{name} ({why})" for name, why in collection.skipped)))
    if collection.kept:
        lines.append(f"{len(collection.kept)} student(s) already in submitted/ had nothing new "
                     "in SOURCE; kept as they are: " + escape(", ".join(collection.kept)))
    if collection.unused_times:
        lines.append(f"[yellow]{len(collection.unused_times)} row(s) of --times matched no "
                     "submission:[/] " + escape(", ".join(collection.unused_times)))
    return lines
