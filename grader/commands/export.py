"""`grader export`: the gradebook CSVs, a Canvas import file, Gradescope results.

Where the files go (`--out`):

- no --out: grades.csv, grades-detail.csv and the histograms in the course directory
  (as before), canvas.csv and gradescope/ in <course-dir>/exports/;
- --out DIR: everything in DIR;
- --out FILE.csv: the gradebook CSV is FILE.csv, its detail FILE-detail.csv, and the rest
  beside it.

The formats themselves are described in grader/export.py.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from grader.commands.base import Command, add_course_option, course_of
from grader.errors import ExportError
from grader.export import (
    FORMATS,
    CanvasExport,
    Written,
    collect,
    detail_path,
    histograms,
    read_canvas_roster,
    summary_table,
    write_canvas,
    write_csv,
    write_detail_csv,
    write_gradescope,
)

__all__ = ["ExportCommand"]


class ExportCommand(Command):
    """Export the course's final grades: a gradebook CSV with its detail, a CSV for
    Canvas's gradebook import, and Gradescope autograder results."""

    name = "export"
    help = "write the gradebook CSVs, a Canvas import CSV or Gradescope results.json files"
    epilog = """examples:
  grader export                         grades.csv, grades-detail.csv, hist-<assignment>.png
  grader export --format all            ... and exports/canvas.csv, exports/gradescope/
  grader export --format canvas --canvas-roster ~/Downloads/2026-12-15_Grades-IOT101.csv
  grader export --course-dir ~/course --out ~/grades/spring.csv

Grades are final: autograded, plus adjustments (grader adjust), plus the late penalty of
course.toml's [late] policy. A missing submission is an empty cell, not 0; a result that
needs attention (or where the grader failed) shows its status, never a number.

Canvas: without --canvas-roster our student ids go in the SIS Login ID column. With the
gradebook exported from Canvas (Grades > Export), students are matched by SIS Login ID or
SIS User ID, and the students that did not match are listed, both ways. Import the file
in Canvas with Grades > Import.

Gradescope: one results.json per submission, in the autograder results format, under
gradescope/<assignment>/<student>/."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add --course-dir, --format, --canvas-roster, --out and --no-plots."""
        parser.add_argument(
            "--course-dir", metavar="DIR", type=Path, default=Path("."),
            help="the course directory with autograded/ and gradebook.db (default: the "
            "current directory)",
        )
        parser.add_argument(
            "--format", metavar="LIST", type=_formats, default=None,
            help=f"what to write, comma-separated: {', '.join(FORMATS)}, or all "
            "(default: gradebook; canvas too when --canvas-roster is given)",
        )
        parser.add_argument(
            "--canvas-roster", metavar="CSV", type=Path, default=None,
            help="the gradebook CSV exported from Canvas, to match students by SIS Login "
            "ID or SIS User ID and to reuse its assignment columns",
        )
        parser.add_argument(
            "--out", metavar="DIR", type=Path, default=None,
            help="the folder to write in (default: the course directory, and "
            "<course-dir>/exports/ for canvas and gradescope); a path ending in .csv names "
            "the gradebook CSV, the rest going beside it",
        )
        parser.add_argument("--no-plots", action="store_true",
                            help="skip the histogram PNGs")
        add_course_option(parser)

    def run(self, args: argparse.Namespace) -> int:
        """Collect the grades once, write each format, print what was written."""
        formats = args.format or ["gradebook", *(["canvas"] if args.canvas_roster else [])]
        if args.canvas_roster is not None and "canvas" not in formats:
            raise ExportError("--canvas-roster is for the canvas format: add canvas to "
                              "--format (for example --format gradebook,canvas).")
        course_dir = args.course_dir
        if not course_dir.is_dir():
            raise ExportError(f"The course directory {course_dir} does not exist; pass the "
                              "one holding autograded/ with --course-dir.")
        roster = read_canvas_roster(args.canvas_roster) if args.canvas_roster else None
        book = collect(course_of(args), course_dir)
        gradebook_csv, folder = _destinations(course_dir, args.out)
        written: list[Written] = []
        table = f"{len(book.students)} student(s) x {len(book.assignments)} assignment(s)"
        if "gradebook" in formats:
            write_csv(book, gradebook_csv)
            write_detail_csv(book, detail_path(gradebook_csv))
            written += [Written("gradebook", gradebook_csv, f"{table}, final grades"),
                        Written("gradebook", detail_path(gradebook_csv),
                                "one row per student and assignment: how each grade was made")]
            if not args.no_plots:
                written += [Written("gradebook", png, "histogram of the final grades")
                            for png in histograms(book, gradebook_csv.parent)]
        canvas = None
        if "canvas" in formats:
            canvas = write_canvas(book, folder / "canvas.csv", roster)
            written.append(Written("canvas", canvas.path,
                                   f"{len(canvas.students)} student(s) x "
                                   f"{len(canvas.columns)} assignment(s), for Grades > Import"))
        if "gradescope" in formats:
            files = write_gradescope(book, folder / "gradescope")
            written.append(Written("gradescope", folder / "gradescope",
                                   f"{len(files)} results.json (<assignment>/<student>/)"))
        self.console.print(summary_table(book))
        self.console.print(_written_table(written))
        if canvas is not None:
            self._say_canvas(canvas)
        return 0

    def _say_canvas(self, report: CanvasExport) -> None:
        """Say what the Canvas file holds and what it could not match."""
        say = self.console.print
        if report.roster is None:
            say("Canvas: no --canvas-roster, so our student ids are in the SIS Login ID "
                "column; Canvas matches them only if they are the students' SIS login ids.")
        if report.not_in_roster:
            say(f"[yellow]Canvas: {len(report.not_in_roster)} of our student(s) not in the "
                f"roster, left out:[/] {escape(', '.join(report.not_in_roster))}")
        if report.not_ours:
            say(f"[yellow]Canvas: {len(report.not_ours)} roster student(s) with no student "
                f"of ours (no grade written):[/] {escape(', '.join(report.not_ours))}")
        if report.new_columns:
            say("Canvas will create these assignments (no roster column has their title): "
                + escape(", ".join(report.new_columns)))
        if report.skipped_assignments:
            say("Canvas: no grades yet, no column for: "
                + escape(", ".join(report.skipped_assignments)))
        if report.left_empty:
            cells = ", ".join(f"{s}/{a} ({status})" for s, a, status in report.left_empty)
            say(f"[yellow]Canvas: {len(report.left_empty)} grade(s) left empty, not a "
                f"number yet:[/] {escape(cells)}")


def _destinations(course_dir: Path, out: Path | None) -> tuple[Path, Path]:
    """(the gradebook CSV, the folder for canvas.csv and gradescope/) for --out."""
    if out is None:
        return course_dir / "grades.csv", course_dir / "exports"
    if out.suffix.lower() == ".csv":
        return out, out.parent
    return out / "grades.csv", out


def _written_table(written: list[Written]) -> Table:
    """A rich table: each file written, its format and what it holds."""
    table = Table(title="Written")
    for column in ("format", "path", "holds"):
        table.add_column(column)
    for item in written:
        table.add_row(item.format, escape(str(item.path)), item.what)
    return table


def _formats(text: str) -> list[str]:
    """argparse type: a comma-separated list of formats, or all."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if names == ["all"]:
        return list(FORMATS)
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown format {', '.join(unknown) or repr(text)}; use "
            f"{', '.join(FORMATS)} (comma-separated) or all")
    return names
