"""One gradebook across notebook and project assignments, and the files other tools import.

Scores come from two places, as nbgrader and our sandbox leave them:

- notebook assignments: nbgrader's gradebook (`<course-dir>/gradebook.db`), which also holds
  any manual grades; a results.json in autograded/ fills in when the gradebook has no entry;
- project assignments: `autograded/<student>/<assignment>/results.json`.

Every grade shown is the final one (`grader.adjust.final_grade`): the autograded score,
plus the adjustments kept beside results.json, plus the late penalty from course.toml's
policy and the submission's `timestamp.txt`, kept within 0 and the maximum.

A result whose status is not "graded" ("needs attention": it could not be graded as
handed in; "error": the grader failed) is never a number: it shows its status.

The files (`grader export --format ...`):

gradebook (the default)
    `grades.csv`: one row per student (the gradebook's students, and those with a folder
    under autograded/ or submitted/), a column per assignment in course.toml order, then
    `total` and `max`. A cell is the final grade; EMPTY when nothing was handed in or
    graded yet (not 0: "did not hand in" and "scored 0" are different facts, and a
    spreadsheet's AVERAGE() skips empty cells); or the status ("needs attention",
    "error"). `total` adds the grades present; `max` is the course's possible total.

    `grades-detail.csv` beside it: one row per student and assignment::

        student, assignment, status, autograded, adjustments, late_penalty, final, max,
        submitted_at, days_late, reasons, stage-1, stage-2, ...

    `status` is "graded", "needs attention", "error", "submitted, not graded" or "not
    submitted"; `adjustments` is their sum and `reasons` their reasons joined by " | ";
    `late_penalty` is 0 or less; `stage-K` is the points earned in the project's stage K
    (from results.json's tests' "stage"), empty for notebooks.

canvas
    `canvas.csv`, the shape Canvas's gradebook import (Grades > Import) reads: a header
    `Student, ID, SIS User ID, SIS Login ID, Section`, then one column per assignment; a
    second row `Points Possible` with each assignment's maximum; then one row per student
    with the final grades. Canvas finds a student by ID, then SIS User ID, then SIS Login
    ID; an assignment by the "(id)" at the end of its column's title, else by its title,
    else it creates one.

    With a roster (`--canvas-roster`, the CSV from Canvas's Grades > Export) the identity
    columns are copied from it, students are matched by SIS Login ID or SIS User ID
    against our student ids, and an assignment takes the roster's column title when the
    titles agree (so Canvas updates that assignment rather than creating one). Without a
    roster our student id goes in SIS Login ID. Empty cells change nothing in Canvas, so
    a grade that is not a number ("needs attention", "error") is left empty and reported.

gradescope
    `gradescope/<assignment>/<student>/results.json` per graded submission, in the
    format of Gradescope's autograder (gradescope-autograders.readthedocs.io, "Autograder
    Specifications"): the final grade as the top-level `score` (which overrides the sum
    of the tests), an `output` that explains it, and one entry per test with `name`,
    `score`, `max_score`, `status`, `visibility` and `tags` (`stage-K`). Hidden tests
    are "after_published" and carry no output, as on our own feedback page.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.table import Table

from grader.adjust import Grade, final_grade, submitted_at
from grader.course import Assignment, Course
from grader.errors import ExportError
from grader.results import (
    atomic_write_json,
    atomic_write_text,
    format_points,
    read_result,
    results_path,
)

__all__ = [
    "FORMATS",
    "CanvasExport",
    "CanvasRoster",
    "Gradebook",
    "Written",
    "collect",
    "export",
    "gradescope_result",
    "histograms",
    "read_canvas_roster",
    "summary_table",
    "write_canvas",
    "write_csv",
    "write_detail_csv",
    "write_gradescope",
]

FORMATS = ("gradebook", "canvas", "gradescope")
GRADED = "graded"
UNGRADED = "submitted, not graded"
MISSING = "not submitted"

DETAIL_COLUMNS = ["student", "assignment", "status", "autograded", "adjustments",
                  "late_penalty", "final", "max", "submitted_at", "days_late", "reasons"]
CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_POSSIBLE = "Points Possible"
# Canvas's export ends with computed columns its import ignores; so do we.
_CANVAS_COMPUTED = re.compile(r"Current (Score|Points|Grade)|Final (Score|Points|Grade)|"
                              r"Override (Score|Grade|Status)")
_CANVAS_TITLE_ID = re.compile(r"^(?P<title>.*?)\s*\((?P<id>\d+)\)$")
_CANVAS_TEST_STUDENT = {"student, test", "test student"}


@dataclass
class Gradebook:
    """Every grade of the course, by student and assignment, and how it was reached."""

    assignments: list[Assignment]
    max_points: dict[str, float | None] = field(default_factory=dict)
    #: student -> assignment -> the final grade (every result, whatever its status)
    grades: dict[str, dict[str, Grade]] = field(default_factory=dict)
    #: student -> assignment -> the result behind the grade (results.json, or a stand-in
    #: for a score found only in nbgrader's gradebook)
    results: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    #: (student, assignment) -> when it was handed in (None: a folder, no timestamp.txt)
    handed_in: dict[tuple[str, str], datetime | None] = field(default_factory=dict)

    @property
    def students(self) -> list[str]:
        """The students, sorted."""
        return sorted(self.grades)

    @property
    def scores(self) -> dict[str, dict[str, float]]:
        """student -> assignment -> final grade, for the results that were graded."""
        return {student: {name: grade.final for name, grade in row.items()
                          if grade.status == GRADED}
                for student, row in self.grades.items()}

    def score(self, student: str, assignment: str) -> float | None:
        """The final grade, or None when nothing was graded (or it needs attention)."""
        grade = self.grades.get(student, {}).get(assignment)
        return grade.final if grade is not None and grade.status == GRADED else None

    def status(self, student: str, assignment: str) -> str:
        """The result's status, else "submitted, not graded" or "not submitted"."""
        grade = self.grades.get(student, {}).get(assignment)
        if grade is not None:
            return grade.status
        return UNGRADED if (student, assignment) in self.handed_in else MISSING

    def column(self, assignment: str) -> list[float]:
        """The final grades of `assignment`, one per student graded."""
        return [grade.final for row in self.grades.values()
                if (grade := row.get(assignment)) is not None and grade.status == GRADED]

    def not_graded(self, assignment: str) -> int:
        """How many results of `assignment` are not a grade ("needs attention", "error")."""
        return sum(1 for row in self.grades.values()
                   if (grade := row.get(assignment)) is not None and grade.status != GRADED)

    def course_max(self) -> float | None:
        """The course's possible total, or None when an assignment's maximum is unknown."""
        values = [self.max_points.get(a.name) for a in self.assignments]
        return None if any(v is None for v in values) else sum(v for v in values if v)

    def stages(self) -> list[int]:
        """The project stages with points in some result (and those course.toml lists)."""
        found = {stage.number for a in self.assignments if a.is_project for stage in a.stages}
        for row in self.results.values():
            for result in row.values():
                found.update(t["stage"] for t in result.get("tests", [])
                             if isinstance(t.get("stage"), int))
        return sorted(found)


@dataclass(frozen=True)
class Written:
    """One thing an export wrote, for the table printed at the end."""

    format: str
    path: Path
    what: str


def collect(course: Course, course_dir: Path) -> Gradebook:
    """Read every grade of the course from `course_dir`."""
    course_dir = Path(course_dir)
    book = Gradebook(list(course.assignments.values()))
    book.max_points = {a.name: a.points for a in book.assignments}
    book.handed_in = _handed_in(course, course_dir)
    for student in [*_folders(course_dir / "autograded"), *(s for s, _ in book.handed_in)]:
        book.grades.setdefault(student, {})
    _read_results(book, course_dir)
    _read_nbgrader(book, course, course_dir)
    for student, row in book.results.items():
        for name, result in row.items():
            book.grades[student][name] = final_grade(course, course_dir, result)
    return book


def _folders(root: Path) -> list[str]:
    """The names of the folders in root (none when it does not exist), sorted."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def _handed_in(course: Course, course_dir: Path) -> dict[tuple[str, str], datetime | None]:
    """(student, assignment) -> submission time, for each submitted/<student>/<assignment>/."""
    found = {}
    for student in _folders(course_dir / "submitted"):
        for name in _folders(course_dir / "submitted" / student):
            if name in course.assignments:
                found[(student, name)] = submitted_at(course_dir, student, name)
    return found


def _read_results(book: Gradebook, course_dir: Path) -> None:
    """Read autograded/<student>/<assignment>/results.json."""
    for student in list(book.grades):
        for assignment in book.assignments:
            result = read_result(results_path(course_dir, student, assignment.name))
            if result is None:
                continue
            result = {**result, "student": student, "assignment": assignment.name}
            book.results.setdefault(student, {})[assignment.name] = result
            if book.max_points.get(assignment.name) is None and result.get("max_score"):
                book.max_points[assignment.name] = float(result["max_score"])


def _read_nbgrader(book: Gradebook, course: Course, course_dir: Path) -> None:
    """Take notebook scores (and students) from nbgrader's gradebook.db, if there is one.

    nbgrader's score (manual grades included) wins over results.json's, unless that
    result says the submission could not be graded.
    """
    notebooks = [a for a in book.assignments if not a.is_project]
    database = course_dir / "gradebook.db"
    if not notebooks or not database.is_file():
        return
    from nbgrader.api import Gradebook as NbGradebook
    from nbgrader.api import MissingEntry

    from grader.nbconfig import gradebook_url

    with NbGradebook(gradebook_url(course_dir), course.id) as gb:
        for student in gb.students:
            book.grades.setdefault(student.id, {})
        for assignment in notebooks:
            try:
                entry = gb.find_assignment(assignment.name)
            except MissingEntry:
                continue
            if book.max_points.get(assignment.name) is None:
                book.max_points[assignment.name] = float(entry.max_score)
            for submission in entry.submissions:
                student = submission.student.id
                row = book.results.setdefault(student, {})
                result = row.get(assignment.name) or {
                    "student": student, "assignment": assignment.name, "kind": "notebook",
                    "status": GRADED, "tests": [], "feedback": []}
                if result.get("status") == GRADED:
                    row[assignment.name] = {**result, "score": float(submission.score),
                                            "max_score": float(entry.max_score)}


# --- the gradebook CSVs -----------------------------------------------------------------


def write_csv(book: Gradebook, path: Path) -> None:
    """Write grades.csv: student, one column per assignment, total, max."""
    names = [a.name for a in book.assignments]
    course_max = book.course_max()
    rows: list[list[str]] = [["student", *names, "total", "max"]]
    for student in book.students:
        cells = [_cell(book, student, name) for name in names]
        total = sum(score for name in names
                    if (score := book.score(student, name)) is not None)
        rows.append([student, *cells, format_points(total), format_points(course_max)])
    atomic_write_text(path, _csv_text(rows))


def _cell(book: Gradebook, student: str, assignment: str) -> str:
    """A grades.csv cell: the final grade, the status when it is not one, or empty."""
    status = book.status(student, assignment)
    if status == GRADED:
        return format_points(book.score(student, assignment))
    return "" if status in (UNGRADED, MISSING) else status


def write_detail_csv(book: Gradebook, path: Path) -> None:
    """Write grades-detail.csv: one row per student and assignment, how each grade was made."""
    stages = book.stages()
    rows: list[list[str]] = [[*DETAIL_COLUMNS, *(f"stage-{k}" for k in stages)]]
    for student in book.students:
        for assignment in book.assignments:
            rows.append(_detail_row(book, student, assignment, stages))
    atomic_write_text(path, _csv_text(rows))


def _detail_row(book: Gradebook, student: str, assignment: Assignment,
                stages: list[int]) -> list[str]:
    """One row of grades-detail.csv."""
    name = assignment.name
    grade = book.grades.get(student, {}).get(name)
    result = book.results.get(student, {}).get(name, {})
    when = book.handed_in.get((student, name))
    status = book.status(student, name)
    maximum = grade.max_score if grade is not None else book.max_points.get(name)
    if grade is None:
        numbers = ["", "", "", ""]
    else:
        graded = grade.status == GRADED
        numbers = [format_points(grade.autograded) if graded else "",
                   format_points(grade.adjusted), format_points(grade.late_points),
                   format_points(grade.final) if graded else ""]
    late = grade.late if grade is not None else None
    reasons = " | ".join(str(a.get("reason", "")) for a in (grade.adjustments if grade else []))
    earned = _stage_points(result) if assignment.is_project and grade is not None else {}
    return [student, name, status, *numbers, format_points(maximum),
            when.isoformat(timespec="seconds") if when else "",
            str(late["days_late"]) if late else "", reasons,
            *(format_points(earned.get(k)) for k in stages)]


def _stage_points(result: dict[str, Any]) -> dict[int, float]:
    """Stage number -> points earned in it, from the result's tests."""
    earned: dict[int, float] = {}
    for test in result.get("tests", []):
        stage = test.get("stage")
        if isinstance(stage, int):
            earned[stage] = round(earned.get(stage, 0.0) + float(test.get("earned", 0)), 4)
    return earned


def summary_table(book: Gradebook) -> Table:
    """A rich table: for each assignment, how many were graded and the spread of grades."""
    table = Table(title=f"Gradebook: {len(book.students)} student(s)")
    table.add_column("assignment")
    for column in ("graded", "mean", "median", "min", "max", "out of", "attention"):
        table.add_column(column, justify="right")
    for assignment in book.assignments:
        scores = book.column(assignment.name)
        spread = (
            [statistics.fmean(scores), statistics.median(scores), min(scores), max(scores)]
            if scores else [None] * 4
        )
        attention = book.not_graded(assignment.name)
        table.add_row(assignment.name, str(len(scores)),
                      *(format_points(v) or "-" for v in spread),
                      format_points(book.max_points.get(assignment.name)) or "?",
                      f"[yellow]{attention}[/]" if attention else "0")
    return table


def histograms(book: Gradebook, directory: Path) -> list[Path]:
    """Draw a histogram of the final grades per assignment with grades; return the PNGs."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for assignment in book.assignments:
        scores = book.column(assignment.name)
        if not scores:
            continue
        figure = Figure(figsize=(6, 3.5), layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        top = book.max_points.get(assignment.name) or max(scores) or 1.0
        axes.hist(scores, bins=min(20, max(5, len(scores))), range=(0, top), edgecolor="white")
        axes.set(title=f"{assignment.title} ({len(scores)} graded)",
                 xlabel=f"score (out of {format_points(top)})", ylabel="students")
        path = directory / f"hist-{assignment.name}.png"
        figure.savefig(path, dpi=100)
        written.append(path)
    return written


def export(course: Course, *, course_dir: Path, out: Path | None = None) -> tuple[Gradebook, Path]:
    """Collect the grades, write the CSV (default <course-dir>/grades.csv) and, beside it,
    <name>-detail.csv; return the gradebook and the CSV's path."""
    course_dir = Path(course_dir)
    if not course_dir.is_dir():
        raise ExportError(f"The course directory {course_dir} does not exist; pass the one "
                          "holding autograded/ with --course-dir.")
    book = collect(course, course_dir)
    path = Path(out) if out is not None else course_dir / "grades.csv"
    write_csv(book, path)
    write_detail_csv(book, detail_path(path))
    return book, path


def detail_path(path: Path) -> Path:
    """grades.csv -> grades-detail.csv (beside it)."""
    return path.with_name(f"{path.stem}-detail{path.suffix or '.csv'}")


# --- Canvas ------------------------------------------------------------------------------


@dataclass
class CanvasRoster:
    """A gradebook exported from Canvas: its identity columns and students, its assignments."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    assignments: list[str]
    login_column: int | None
    user_column: int | None

    def keys(self, row: list[str]) -> list[str]:
        """The ids a student of ours may go by: SIS Login ID, then SIS User ID."""
        columns = [c for c in (self.login_column, self.user_column) if c is not None]
        return [_key(row[c]) for c in columns if c < len(row) and row[c].strip()]


def read_canvas_roster(path: Path) -> CanvasRoster:
    """Read the CSV Canvas exports (Grades > Export): Student, ID, SIS ids, Section, ..."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            table = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    except OSError as exc:
        raise ExportError(f"Cannot read the Canvas roster {path}: {exc.strerror}.") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ExportError(f"The Canvas roster {path} is not a UTF-8 CSV file ({exc}); "
                          "export it again from Canvas (Grades > Export).") from None
    header = [cell.strip() for cell in table[0]] if table else []
    section = header.index("Section") if "Section" in header else -1
    if len(header) < 3 or "Student" not in header[0] or header[1] != "ID" or section < 2:
        raise ExportError(
            f"{path} does not look like a gradebook exported from Canvas: its first row "
            f"should start with {', '.join(CANVAS_IDENTITY)}. Export it from Canvas's "
            "Grades page (Export > Export Entire Gradebook) and pass that file.")
    identity = section + 1
    login = header.index("SIS Login ID") if "SIS Login ID" in header[:identity] else None
    user = header.index("SIS User ID") if "SIS User ID" in header[:identity] else None
    if login is None and user is None:
        raise ExportError(f"{path} has no SIS Login ID or SIS User ID column to find our "
                          "students by; export the gradebook from Canvas again (an "
                          "instructor's export includes them).")
    rows = [row[:identity] + [""] * (identity - len(row)) for row in table[1:]
            if not _canvas_skipped(row)]
    assignments = [h for h in header[identity:] if h and not _CANVAS_COMPUTED.search(h)]
    return CanvasRoster(path, header[:identity], rows, assignments, login, user)


def _canvas_skipped(row: list[str]) -> bool:
    """Rows that are not students: Points Possible, muted/posting notes, the test student."""
    first = row[0].strip() if row else ""
    if POINTS_POSSIBLE in first or first.casefold() in _CANVAS_TEST_STUDENT:
        return True
    return all(re.fullmatch(r"\s*(Muted|Manual Posting.*)?\s*", c, re.I) for c in row)


@dataclass
class CanvasExport:
    """What write_canvas wrote, and what it could not match."""

    path: Path
    roster: Path | None
    students: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    new_columns: list[str] = field(default_factory=list)
    skipped_assignments: list[str] = field(default_factory=list)
    not_in_roster: list[str] = field(default_factory=list)
    not_ours: list[str] = field(default_factory=list)
    left_empty: list[tuple[str, str, str]] = field(default_factory=list)


def write_canvas(book: Gradebook, path: Path, roster: CanvasRoster | None = None) -> CanvasExport:
    """Write canvas.csv for Canvas's gradebook import; report what did not match."""
    report = CanvasExport(path=path, roster=roster.path if roster else None)
    if roster is None:
        header = list(CANVAS_IDENTITY)
        people = {student: [student, "", "", student, ""] for student in book.students}
    else:
        header = roster.header
        people = _match_roster(book, roster, report)
    report.students = sorted(people)
    chosen = [a for a in book.assignments
              if any(book.score(s, a.name) is not None for s in people)]
    report.skipped_assignments = [a.name for a in book.assignments if a not in chosen]
    for assignment in chosen:
        title = _canvas_column(assignment, roster.assignments if roster else [])
        if title is None:
            title = assignment.title
            report.new_columns.append(title)
        report.columns.append(title)
    rows = [[*header, *report.columns],
            [POINTS_POSSIBLE, *[""] * (len(header) - 1),
             *(format_points(book.max_points.get(a.name)) for a in chosen)]]
    for student in report.students:
        cells = []
        for assignment in chosen:
            score = book.score(student, assignment.name)
            status = book.status(student, assignment.name)
            if score is None and status not in (UNGRADED, MISSING):
                report.left_empty.append((student, assignment.name, status))
            cells.append(format_points(score))
        rows.append([*people[student], *cells])
    atomic_write_text(path, _csv_text(rows))
    return report


def _match_roster(book: Gradebook, roster: CanvasRoster,
                  report: CanvasExport) -> dict[str, list[str]]:
    """Our student -> their roster row, matched by SIS Login ID, then SIS User ID."""
    ours = {_key(student): student for student in book.students}
    people: dict[str, list[str]] = {}
    for row in roster.rows:
        student = next((ours[key] for key in roster.keys(row) if key in ours), None)
        if student is None or student in people:
            report.not_ours.append(_describe_canvas_row(roster, row))
        else:
            people[student] = row
    report.not_in_roster = [s for s in book.students if s not in people]
    return people


def _describe_canvas_row(roster: CanvasRoster, row: list[str]) -> str:
    """A roster student as a person reads them: "Name (login)"."""
    ids = [row[c] for c in (roster.login_column, roster.user_column)
           if c is not None and row[c].strip()]
    return f"{row[0]} ({ids[0]})" if ids else row[0]


def _canvas_column(assignment: Assignment, columns: list[str]) -> str | None:
    """The roster's column for an assignment: its title (or name) matched, "(id)" aside."""
    wanted = {_key(assignment.title), _key(assignment.name)}
    for column in columns:
        match = _CANVAS_TITLE_ID.match(column)
        if _key(match["title"] if match else column) in wanted:
            return column
    return None


# --- Gradescope --------------------------------------------------------------------------


def gradescope_result(book: Gradebook, student: str, assignment: Assignment) -> dict[str, Any]:
    """One submission in Gradescope's autograder results.json format."""
    grade = book.grades[student][assignment.name]
    result = book.results[student][assignment.name]
    document: dict[str, Any] = {
        "score": grade.final,
        "output": _gradescope_output(grade, result),
        "output_format": "text",
        "tests": [_gradescope_test(test) for test in result.get("tests", [])],
        "extra_data": {"student": student, "assignment": assignment.name,
                       "status": grade.status, "grade": grade.as_dict(),
                       "grader_version": result.get("grader_version")},
    }
    if isinstance(result.get("duration"), int | float):
        document["execution_time"] = round(result["duration"])
    return document


def _gradescope_output(grade: Grade, result: dict[str, Any]) -> str:
    """The text above the tests: how the grade was reached, then the grader's feedback."""
    lines = []
    if grade.status != GRADED:
        lines.append(f"Status: {grade.status}. This is not a grade yet; see below.")
    out_of = format_points(grade.max_score)
    lines.append(f"Autograded: {format_points(grade.autograded)} / {out_of}")
    for adjustment in grade.adjustments:
        lines.append(f"Adjusted by {_signed(float(adjustment['points']))}: "
                     f"{adjustment.get('reason', '')}")
    if grade.late:
        lines.append(f"Late by {grade.late['days_late']} day(s) (due {grade.late['deadline']}, "
                     f"handed in {grade.late['submitted_at']}): "
                     f"{_signed(float(grade.late['points']))}")
    lines.append(f"Final: {format_points(grade.final)} / {out_of}")
    feedback = [str(line) for line in result.get("feedback", []) if str(line).strip()]
    return "\n".join([*lines, *([""] + feedback if feedback else [])])


def _gradescope_test(test: dict[str, Any]) -> dict[str, Any]:
    """One of our tests as a Gradescope test case; a hidden one shows no output."""
    stage = test.get("stage")
    name = str(test.get("name", ""))
    entry: dict[str, Any] = {
        "name": f"Stage {stage}: {name}" if isinstance(stage, int) else name,
        "score": float(test.get("earned", 0)),
        "max_score": float(test.get("points", 0)),
        "status": "passed" if test.get("passed") else "failed",
        "visibility": "after_published" if test.get("visibility") == "hidden" else "visible",
    }
    if isinstance(stage, int):
        entry["tags"] = [f"stage-{stage}"]
    if entry["visibility"] == "visible" and not test.get("passed"):
        output = [f"Hint: {test['hint']}" if test.get("hint") else "",
                  str(test.get("message") or "")]
        if any(output):
            entry["output"] = "\n\n".join(part for part in output if part)
    return entry


def write_gradescope(book: Gradebook, directory: Path) -> list[Path]:
    """Write <directory>/<assignment>/<student>/results.json for each graded submission."""
    written = []
    for student in book.students:
        if not _safe_name(student):
            raise ExportError(f"The student id {student!r} cannot name a folder; rename it in "
                              "nbgrader's gradebook before exporting for Gradescope.")
        for assignment in book.assignments:
            if assignment.name not in book.grades[student]:
                continue
            path = directory / assignment.name / student / "results.json"
            atomic_write_json(path, gradescope_result(book, student, assignment))
            written.append(path)
    return written


# --- helpers -----------------------------------------------------------------------------


def _csv_text(rows: list[list[str]]) -> str:
    """Rows as CSV text (RFC 4180: CRLF line ends, quotes where needed)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _key(text: str) -> str:
    """An id or title compared loosely: trimmed, case folded."""
    return " ".join(text.split()).casefold()


def _safe_name(name: str) -> bool:
    """True for a name that is one plain path component."""
    return bool(name) and name not in (".", "..") and not re.search(r"[/\\\x00]", name)


def _signed(value: float) -> str:
    """A number of points with its sign: +2, -5."""
    return ("+" if value >= 0 else "") + format_points(value)
