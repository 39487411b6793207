"""One gradebook across notebook and project assignments.

Scores come from two places, as nbgrader and our sandbox leave them:

- notebook assignments: nbgrader's gradebook (`<course-dir>/gradebook.db`), which also holds
  any manual grades; a results.json in autograded/ fills in when the gradebook has no entry;
- project assignments: `autograded/<student>/<assignment>/results.json`.

The CSV has one row per student (the union of the gradebook's students and the students
under autograded/), a column per assignment in course.toml order, then `total` and `max`.
A missing submission is an EMPTY cell, not 0: "did not hand in" and "handed in, scored 0"
are different facts, and a spreadsheet's AVERAGE() skips empty cells. `total` adds the
scores present; `max` is the course's possible total.
"""

from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from rich.table import Table

from grader.course import Assignment, Course
from grader.errors import ExportError
from grader.results import read_result, results_path

__all__ = ["Gradebook", "collect", "export", "histograms", "summary_table", "write_csv"]


@dataclass
class Gradebook:
    """Scores by student and assignment, and each assignment's possible points."""

    assignments: list[Assignment]
    max_points: dict[str, float | None] = field(default_factory=dict)
    scores: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def students(self) -> list[str]:
        """The students, sorted."""
        return sorted(self.scores)

    def column(self, assignment: str) -> list[float]:
        """The scores recorded for `assignment`, one per student who has one."""
        return [row[assignment] for row in self.scores.values() if assignment in row]

    def course_max(self) -> float | None:
        """The course's possible total, or None when an assignment's maximum is unknown."""
        values = [self.max_points.get(a.name) for a in self.assignments]
        return None if any(v is None for v in values) else sum(v for v in values if v)


def collect(course: Course, course_dir: Path) -> Gradebook:
    """Read every score of the course from `course_dir`."""
    course_dir = Path(course_dir)
    book = Gradebook(list(course.assignments.values()))
    book.max_points = {a.name: a.points for a in book.assignments}
    for student in _autograded_students(course_dir):
        book.scores.setdefault(student, {})
    _read_results(book, course_dir)
    _read_nbgrader(book, course, course_dir)
    return book


def _autograded_students(course_dir: Path) -> list[str]:
    """The student ids with a folder under autograded/."""
    root = course_dir / "autograded"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def _read_results(book: Gradebook, course_dir: Path) -> None:
    """Fill in scores from autograded/<student>/<assignment>/results.json."""
    for student in list(book.scores):
        for assignment in book.assignments:
            result = read_result(results_path(course_dir, student, assignment.name))
            if result is None:
                continue
            book.scores[student][assignment.name] = float(result["score"])
            if book.max_points.get(assignment.name) is None and result.get("max_score"):
                book.max_points[assignment.name] = float(result["max_score"])


def _read_nbgrader(book: Gradebook, course: Course, course_dir: Path) -> None:
    """Fill in notebook scores (and students) from nbgrader's gradebook.db, if there is one."""
    notebooks = [a for a in book.assignments if not a.is_project]
    database = course_dir / "gradebook.db"
    if not notebooks or not database.is_file():
        return
    from nbgrader.api import Gradebook as NbGradebook
    from nbgrader.api import MissingEntry

    from grader.nbconfig import gradebook_url

    with NbGradebook(gradebook_url(course_dir), course.id) as gb:
        for student in gb.students:
            book.scores.setdefault(student.id, {})
        for assignment in notebooks:
            try:
                entry = gb.find_assignment(assignment.name)
            except MissingEntry:
                continue
            if book.max_points.get(assignment.name) is None:
                book.max_points[assignment.name] = float(entry.max_score)
            for submission in entry.submissions:
                book.scores[submission.student.id][assignment.name] = float(submission.score)


def write_csv(book: Gradebook, path: Path) -> None:
    """Write the gradebook as CSV: student, one column per assignment, total, max."""
    names = [a.name for a in book.assignments]
    course_max = book.course_max()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *names, "total", "max"])
        for student in book.students:
            row = book.scores[student]
            cells = [_number(row.get(name)) for name in names]
            total = sum(row[name] for name in names if name in row)
            writer.writerow([student, *cells, _number(total), _number(course_max)])


def summary_table(book: Gradebook) -> Table:
    """A rich table: for each assignment, how many were graded and the spread of scores."""
    table = Table(title=f"Gradebook: {len(book.students)} student(s)")
    table.add_column("assignment")
    for column in ("graded", "mean", "median", "min", "max", "out of"):
        table.add_column(column, justify="right")
    for assignment in book.assignments:
        scores = book.column(assignment.name)
        spread = (
            [statistics.fmean(scores), statistics.median(scores), min(scores), max(scores)]
            if scores else [None] * 4
        )
        table.add_row(assignment.name, str(len(scores)), *(_number(v) or "-" for v in spread),
                      _number(book.max_points.get(assignment.name)) or "?")
    return table


def histograms(book: Gradebook, directory: Path) -> list[Path]:
    """Draw a score histogram per assignment with scores; return the PNG paths."""
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
                 xlabel=f"score (out of {_number(top)})", ylabel="students")
        path = directory / f"hist-{assignment.name}.png"
        figure.savefig(path, dpi=100)
        written.append(path)
    return written


def export(course: Course, *, course_dir: Path, out: Path | None = None) -> tuple[Gradebook, Path]:
    """Collect the scores and write the CSV (default <course-dir>/grades.csv)."""
    course_dir = Path(course_dir)
    if not course_dir.is_dir():
        raise ExportError(f"The course directory {course_dir} does not exist.")
    book = collect(course, course_dir)
    path = Path(out) if out is not None else course_dir / "grades.csv"
    write_csv(book, path)
    return book, path


def _number(value: float | None) -> str:
    """Format a score: empty for None, no trailing .0, else two decimals at most."""
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".")
