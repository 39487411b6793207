"""The class report: one self-contained HTML page per assignment, for an instructor with
five minutes: ``<course-dir>/reports/<assignment>.html`` (`grader report`).

It reads the course directory as `grader grade` and `grader adjust` leave it:

- ``submitted/<student>/<assignment>/``: who handed in (and what, for the similarity hints);
- ``autograded/<student>/<assignment>/results.json`` (`grader.results`) and its
  ``adjustments.json``; each grade shown is `grader.adjust.final_grade` (autograded score,
  manual adjustments, late penalty);
- ``feedback/<student>/<assignment>/index.html``: linked from the page, relatively.

The page, top to bottom: the summary (submissions, graded, needs attention, errors, not
graded yet; mean, median, min and max of the final and of the autograded scores over the
graded submissions), a histogram of the final grades (matplotlib's SVG backend, inline),
pass rates per stage (projects; skipped when no test has a stage) and per test (most
failed first, with the most common failure message), what needs attention (every
submission not "graded", and graded ones that scored 0), identical and near-identical
submissions (`grader.similarity`: a hint, not a verdict) and a row per student.

Rendered with Jinja2, autoescape on: student ids, test messages and feedback lines are
escaped, and their control characters shown as escapes (`grader.feedback.visible`). The
page loads nothing (CSS inline, no script, a Content-Security-Policy that forbids both), and
its tables scroll inside their own box, so it reads on a phone as on a desktop.
"""

from __future__ import annotations

import io
import os
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, select_autoescape
from markupsafe import Markup
from rich.markup import escape
from rich.table import Table

from grader.adjust import Grade, final_grade
from grader.course import Assignment, Course
from grader.errors import GraderError, ReportError
from grader.feedback import feedback_path, visible
from grader.results import (
    atomic_write_text,
    format_points,
    read_result,
    results_path,
    utc_now,
)
from grader.similarity import (
    MIN_COMMON,
    NEAR_SHARE,
    Similarity,
    compare,
    given_units,
    reference_units,
    submission_units,
)

__all__ = [
    "ClassReport",
    "Row",
    "StageRate",
    "TestRate",
    "build_report",
    "histogram_svg",
    "rates_per_stage",
    "rates_per_test",
    "render_report",
    "report_path",
    "summary_table",
    "write_report",
]

NOT_GRADED = "not graded yet"
MESSAGE_CHARS = 200
MAX_PAIRS = 100  # near-identical pairs listed on the page, the closest first


@dataclass
class Row:
    """One student's submission: its result (None before grading) and grade."""

    student: str
    assignment: str
    status: str
    result: dict[str, Any] | None = None
    grade: Grade | None = None
    has_feedback: bool = False

    @property
    def notes(self) -> list[str]:
        """What the grader said about the submission (its feedback lines)."""
        if self.result is None:
            return [f"No results.json yet (or an unreadable one); grade it with: grader grade "
                    f"{self.assignment} --student {self.student}"]
        return [str(line) for line in self.result.get("feedback") or []]


@dataclass
class TestRate:
    """How the class did on one test."""

    name: str
    order: int
    stage: int | None = None
    stage_title: str | None = None
    visibility: str = "public"
    points: float = 0.0
    hint: str | None = None
    passed: int = 0
    ran: int = 0
    failures: Counter[str] = field(default_factory=Counter)

    @property
    def share(self) -> float:
        """The share of the students who ran it and passed."""
        return self.passed / self.ran if self.ran else 0.0

    @property
    def common_failure(self) -> tuple[str, int] | None:
        """The most frequent failure message (first line) and how many got it."""
        return self.failures.most_common(1)[0] if self.failures else None


@dataclass
class StageRate:
    """How the class did on one stage: who passed all its tests, the mean share of points."""

    number: int
    title: str
    possible: float
    students: int
    passed_all: int
    mean_share: float


@dataclass
class Spread:
    """Mean, median, min and max of some scores."""

    mean: float
    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: list[float]) -> Spread | None:
        """The spread of values, or None when there are none."""
        if not values:
            return None
        return cls(statistics.fmean(values), statistics.median(values), min(values),
                   max(values))


@dataclass
class ClassReport:
    """Everything the page shows about one assignment."""

    assignment: Assignment
    course_dir: Path
    rows: list[Row]
    max_score: float
    tests: list[TestRate] = field(default_factory=list)
    stages: list[StageRate] = field(default_factory=list)
    similarity: Similarity | None = None
    similarity_note: str = ""
    generated_at: str = field(default_factory=utc_now)

    @property
    def graded(self) -> list[Row]:
        """The rows whose result is graded."""
        return [row for row in self.rows if row.status == "graded"]

    def count(self, status: str) -> int:
        """How many submissions have this status."""
        return sum(1 for row in self.rows if row.status == status)

    @property
    def attention(self) -> list[Row]:
        """Submissions not graded, and graded ones that scored 0."""
        return [row for row in self.rows if row.status != "graded"
                or (row.grade is not None and row.grade.autograded == 0)]

    @property
    def final(self) -> Spread | None:
        """The spread of the graded submissions' final grades."""
        return Spread.of([row.grade.final for row in self.graded if row.grade])

    @property
    def autograded(self) -> Spread | None:
        """The spread of the graded submissions' autograded scores."""
        return Spread.of([row.grade.autograded for row in self.graded if row.grade])


def report_path(course_dir: Path, assignment: str) -> Path:
    """<course-dir>/reports/<assignment>.html."""
    return Path(course_dir) / "reports" / f"{assignment}.html"


def build_report(course: Course, assignment: str, *, course_dir: Path,
                 similarity: bool = True) -> ClassReport:
    """Read one assignment's submissions, results and adjustments into a ClassReport."""
    target = course.get(assignment)
    course_dir = Path(course_dir).resolve()
    if not course_dir.is_dir():
        raise ReportError(f"The course directory {course_dir} does not exist; give the one "
                          "holding submitted/ and autograded/ with --course-dir.")
    submitted = _students(course_dir / "submitted", assignment)
    students = sorted(submitted | _students(course_dir / "autograded", assignment))
    if not students:
        raise ReportError(
            f"Nothing to report for {assignment}: no {course_dir / 'submitted'}/*/{assignment}/ "
            f"and no {course_dir / 'autograded'}/*/{assignment}/results.json. Collect and "
            f"grade first: grader grade {assignment} --course-dir {course_dir}")
    rows = [_row(course, course_dir, student, assignment) for student in students]
    scores = [row.grade.max_score for row in rows if row.grade and row.grade.max_score]
    report = ClassReport(target, course_dir, rows,
                         max_score=float(target.points or max(scores, default=0.0)))
    results = [row.result for row in report.graded if row.result]
    report.tests = rates_per_test(results)
    report.stages = rates_per_stage(results)
    if similarity:
        _add_similarity(report, course, sorted(submitted))
    return report


def _students(root: Path, assignment: str) -> set[str]:
    """Students with a folder <root>/<student>/<assignment>/."""
    if not root.is_dir():
        return set()
    return {p.name for p in root.iterdir()
            if not p.name.startswith(".") and (p / assignment).is_dir()}


def _row(course: Course, course_dir: Path, student: str, assignment: str) -> Row:
    """One student's row: result, grade, whether a feedback page exists."""
    result = read_result(results_path(course_dir, student, assignment))
    if result is None:
        return Row(student, assignment, NOT_GRADED)
    result = {**result, "student": student, "assignment": assignment}
    return Row(student, assignment, str(result.get("status") or "error"), result,
               final_grade(course, course_dir, result),
               feedback_path(course_dir, student, assignment).is_file())


def rates_per_test(results: list[dict[str, Any]]) -> list[TestRate]:
    """Each test's pass rate over the results, the most failed first (then in run order)."""
    rates: dict[str, TestRate] = {}
    for result in results:
        for test in result.get("tests") or []:
            name = str(test.get("name"))
            rate = rates.get(name)
            if rate is None:
                rate = rates[name] = TestRate(
                    name, len(rates), _stage(test), test.get("stage_title"),
                    str(test.get("visibility") or "public"), float(test.get("points") or 0),
                    test.get("hint"))
            rate.ran += 1
            if test.get("passed"):
                rate.passed += 1
            elif test.get("message"):
                rate.failures[_first_line(test["message"])] += 1
    return sorted(rates.values(), key=lambda r: (r.share, r.order))


def rates_per_stage(results: list[dict[str, Any]]) -> list[StageRate]:
    """Per stage: how many students passed all its tests, and the mean share of its points."""
    per_stage: dict[int, list[tuple[bool, float]]] = {}
    titles: dict[int, str] = {}
    possible: dict[int, float] = {}
    for result in results:
        tests: dict[int, list[dict[str, Any]]] = {}
        for test in result.get("tests") or []:
            stage = _stage(test)
            if stage is not None:
                tests.setdefault(stage, []).append(test)
                titles.setdefault(stage, str(test.get("stage_title") or ""))
        for stage, members in tests.items():
            points = sum(float(t.get("points") or 0) for t in members)
            earned = sum(float(t.get("earned") or 0) for t in members)
            possible[stage] = max(possible.get(stage, 0.0), points)
            per_stage.setdefault(stage, []).append(
                (all(t.get("passed") for t in members), earned / points if points else 0.0))
    return [StageRate(stage, titles[stage], possible[stage], len(marks),
                      sum(1 for done, _ in marks if done),
                      statistics.fmean(share for _, share in marks))
            for stage, marks in sorted(per_stage.items())]


def _stage(test: dict[str, Any]) -> int | None:
    """A test's stage, or None (notebooks and older results have none)."""
    stage = test.get("stage")
    return stage if isinstance(stage, int) and not isinstance(stage, bool) else None


def _first_line(message: Any) -> str:
    """The first non-blank line of a failure message, shortened."""
    lines = [line.strip() for line in str(message).splitlines() if line.strip()]
    line = lines[0] if lines else ""
    return line if len(line) <= MESSAGE_CHARS else line[:MESSAGE_CHARS - 1] + "…"


def _add_similarity(report: ClassReport, course: Course, students: list[str]) -> None:
    """Compare the submissions, leaving out what the students were given."""
    assignment = report.assignment
    try:
        given = given_units(course, assignment)
        references = reference_units(assignment)
    except (GraderError, OSError, ValueError, RuntimeError) as exc:
        report.similarity_note = (f"Not compared: what the students were given could not be "
                                  f"rebuilt from the course ({exc}).")
        return
    units, skipped = {}, {}
    for student in students:
        path = report.course_dir / "submitted" / student / assignment.name
        try:
            units[student] = submission_units(course, path)
        except (OSError, ValueError) as exc:
            skipped[student] = str(exc)
    report.similarity = compare(units, given, references)
    report.similarity.skipped = skipped


def histogram_svg(scores: list[float], max_score: float, label: str) -> str:
    """A histogram of the scores over 0..max_score (10 bins) as an inline <svg> element."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    top = max_score or max(scores, default=0.0) or 1.0
    style = {"svg.hashsalt": "grader-report", "svg.fonttype": "path", "font.size": 11}
    with matplotlib.rc_context(style):
        figure = Figure(figsize=(6, 2.6), layout="constrained")
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        axes.hist(scores, bins=10, range=(0, top), color="#3f6fb5", edgecolor="white")
        axes.set(xlim=(0, top), xlabel=label, ylabel="students")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.spines[["top", "right"]].set_visible(False)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


def summary_table(report: ClassReport) -> Table:
    """A short rich summary: the counts, the spreads, the most failed tests, the matches."""
    table = Table(title=f"{report.assignment.name}: class report", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    counts = [("submissions", len(report.rows)), ("graded", len(report.graded)),
              ("needs attention", report.count("needs attention")),
              ("errors", report.count("error")), (NOT_GRADED, report.count(NOT_GRADED))]
    for what, value in counts:
        if value or what in ("submissions", "graded"):
            table.add_row(what, str(value))
    for what, spread in (("final", report.final), ("autograded", report.autograded)):
        if spread:
            table.add_row(f"{what}: mean / median", f"{format_points(spread.mean)} / "
                          f"{format_points(spread.median)} of {format_points(report.max_score)}")
    for rate in report.tests[:3]:
        if rate.passed < rate.ran:
            table.add_row(f"failed most: {escape(rate.name)}",
                          f"passed by {rate.passed} of {rate.ran}")
    if report.similarity is not None:
        table.add_row("identical / near-identical",
                      f"{len(report.similarity.identical)} / {len(report.similarity.near)}")
    return table


def render_report(report: ClassReport, *, out: Path) -> str:
    """The page, with links to the feedback pages relative to where it is written."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters.update(visible=visible, num=format_points, pct=_pct, level=_level)
    finals = [row.grade.final for row in report.graded if row.grade]
    histogram = (Markup(histogram_svg(finals, report.max_score,
                                      f"final grade (out of {format_points(report.max_score)})"))
                 if finals else None)
    links = {row.student: _href(report, row.student, Path(out).parent)
             for row in report.rows if row.has_feedback}
    return env.from_string(_TEMPLATE).render(
        r=report, a=report.assignment, histogram=histogram, links=links,
        near_share=NEAR_SHARE, min_common=MIN_COMMON, not_graded=NOT_GRADED,
        max_pairs=MAX_PAIRS)


def _href(report: ClassReport, student: str, here: Path) -> str:
    """The student's feedback page, relative to the report's directory, URL-quoted."""
    page = feedback_path(report.course_dir, student, report.assignment.name)
    return quote(Path(os.path.relpath(page.resolve(), here.resolve())).as_posix())


def write_report(course: Course, assignment: str, *, course_dir: Path,
                 out: Path | None = None) -> tuple[ClassReport, Path]:
    """Build the report and write it (default <course-dir>/reports/<assignment>.html)."""
    report = build_report(course, assignment, course_dir=course_dir)
    path = Path(out) if out is not None else report_path(course_dir, assignment)
    atomic_write_text(path, render_report(report, out=path))
    return report, path


def _level(share: float) -> str:
    """A bar's colour class: "low" under half, "mid" under 80 %, else none (green)."""
    return "low" if share < 0.5 else "mid" if share < 0.8 else ""


def _pct(share: float) -> str:
    """A share as a whole percentage."""
    return f"{share * 100:.0f}%"


_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{{ a.name }} — class report</title>
<style>
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, sans-serif; color: #1f1f1f; max-width: 72rem;
       margin: 0 auto; padding: 1rem; overflow-wrap: break-word; }
h1 { font-size: 1.5rem; margin: .25rem 0; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; padding-bottom: .2rem;
     border-bottom: 1px solid #ddd; }
nav { display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: .5rem 0 1rem; }
.muted { color: #5f6368; } small { font-size: .85rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr));
         gap: .5rem; margin: .75rem 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .4rem .75rem; }
.card b { display: block; font-size: 1.6rem; }
.card.warn b { color: #b3261e; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: .35rem .5rem; border-bottom: 1px solid #e5e5e5; text-align: left;
         vertical-align: top; }
th { background: #f6f6f6; white-space: nowrap; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.wrap { overflow-wrap: anywhere; min-width: 12rem; }
.rate { white-space: nowrap; }
.bar { display: inline-block; width: 6rem; height: .65rem; background: #e3e3e3;
       border-radius: 3px; vertical-align: middle; margin-right: .4rem; }
.bar span { display: block; height: 100%; background: #2e7d32; border-radius: 3px; }
.bar.low span { background: #c62828; } .bar.mid span { background: #e09b00; }
code, .msg { font-family: ui-monospace, monospace; font-size: .85rem; }
.msg { display: block; color: #8a1c14; overflow-wrap: anywhere; white-space: pre-wrap; }
.status-graded { color: #137333; } .status-error { color: #b3261e; }
.status-needs-attention, .status-not-graded-yet { color: #a35200; font-weight: 600; }
ul.notes { margin: .2rem 0; padding-left: 1.1rem; overflow-wrap: anywhere; }
figure { margin: .5rem 0; }
figure svg { display: block; width: 100%; max-width: 40rem; height: auto; }
.narrow { overflow-wrap: anywhere; min-width: 5rem; }
.hint-box { border-left: 4px solid #e09b00; background: #fff8e6; padding: .5rem .75rem; }
</style>
</head>
<body>
{% macro bar(share) -%}
<span class="bar {{ share|level }}"><span style="width: {{ "%.0f"|format(share * 100) }}%">
</span></span>
{%- endmacro %}
{% macro feedback_link(row) -%}
{% if row.student in links %}<a href="{{ links[row.student] }}">page</a>{% else %}—{% endif %}
{%- endmacro %}
{% macro card(count, label, warn=false) -%}
<div class="card{{ ' warn' if warn and count }}"><b>{{ count }}</b>{{ label }}</div>
{%- endmacro %}
<header>
<h1>{{ a.title }} <span class="muted">({{ a.name }})</span> — class report</h1>
<p class="muted"><small>Generated {{ r.generated_at }} from {{ r.course_dir }}.</small></p>
<nav>
<a href="#summary">Summary</a><a href="#histogram">Histogram</a>
{%- if r.stages %}<a href="#stages">Stages</a>{% endif %}
<a href="#tests">Tests</a><a href="#attention">Needs attention</a>
<a href="#similar">Similar submissions</a><a href="#students">Students</a>
</nav>
</header>

<section id="summary">
<h2>Summary</h2>
<div class="cards">
{{ card(r.rows|length, "submissions") }}
{{ card(r.graded|length, "graded") }}
{{ card(r.count("needs attention"), "needs attention", warn=true) }}
{{ card(r.count("error"), "errors", warn=true) }}
{% if r.count(not_graded) %}{{ card(r.count(not_graded), not_graded, warn=true) }}{% endif %}
</div>
{% if r.final %}
<div class="scroll">
<table class="spread">
<tr><th>over the {{ r.graded|length }} graded, out of {{ r.max_score|num }}</th>
{% for column in ("mean", "median", "min", "max") %}<th class="num">{{ column }}</th>{% endfor %}
</tr>
{% for label, s in [("final grade", r.final), ("autograded score", r.autograded)] %}
<tr><td>{{ label }}</td>
{%- for value in (s.mean, s.median, s.low, s.high) %}<td class="num">{{ value|num }}</td>
{%- endfor %}</tr>
{% endfor %}
</table>
</div>
<p class="muted"><small>The final grade is the autograded score plus adjustments
(<code>grader adjust</code>) plus the late penalty (course.toml), kept within 0 and
{{ r.max_score|num }}.</small></p>
{% else %}
<p>No graded submission yet.</p>
{% endif %}
</section>

<section id="histogram">
<h2>Final grades</h2>
{% if histogram %}
<figure>{{ histogram }}
<figcaption class="muted"><small>The final grades of the {{ r.graded|length }} graded
submissions, in ten bins from 0 to {{ r.max_score|num }}.</small></figcaption></figure>
{% else %}<p>No graded submission yet.</p>{% endif %}
</section>

{% if r.stages %}
<section id="stages">
<h2>Stages</h2>
<div class="scroll">
<table>
<tr><th>stage</th><th class="num">points</th><th>passed all its tests</th>
<th>mean share of its points</th></tr>
{% for s in r.stages %}
{% set share = s.passed_all / s.students if s.students else 0 %}
<tr class="stage"><td class="narrow">Stage {{ s.number }}{{ ": " ~ s.title if s.title }}</td>
<td class="num">{{ s.possible|num }}</td>
<td class="rate">{{ bar(share) }}{{ s.passed_all }} of {{ s.students }}</td>
<td class="rate">{{ bar(s.mean_share) }}{{ s.mean_share|pct }}</td></tr>
{% endfor %}
</table>
</div>
</section>
{% endif %}

<section id="tests">
<h2>Tests, the most failed first</h2>
{% if r.tests %}
<div class="scroll">
<table class="tests">
<tr><th>test</th><th class="num">stage</th><th>visibility</th><th class="num">points</th>
<th>passed by</th><th>hint</th></tr>
{% for t in r.tests %}
<tr class="test">
<td class="wrap"><span class="test-name">{{ t.name|visible }}</span>
{%- if t.common_failure %}{% set message, many = t.common_failure %}
<span class="msg" title="the most common failure">{{ message|visible }}
{%- if many > 1 %} ({{ many }} students){% endif %}</span>{% endif %}</td>
<td class="num">{{ t.stage if t.stage is not none else "—" }}</td>
<td>{{ t.visibility }}</td>
<td class="num">{{ t.points|num }}</td>
<td class="rate">{{ bar(t.share) }}<span class="passed">{{ t.passed }} of {{ t.ran }}</span></td>
<td class="wrap">{{ (t.hint or "")|visible }}</td>
</tr>
{% endfor %}
</table>
</div>
{% else %}<p>No graded submission has test results yet.</p>{% endif %}
</section>

<section id="attention">
<h2>Needs attention</h2>
{% if r.attention %}
<p class="muted"><small>Every submission that is not graded, and graded ones that scored 0
(the feedback says what was found).</small></p>
<div class="scroll">
<table>
<tr><th>student</th><th>status</th><th>what the grader said</th><th>feedback</th></tr>
{% for row in r.attention %}
<tr class="attention">
<td class="narrow">{{ row.student|visible }}</td>
<td class="status-{{ row.status|replace(' ', '-') }}">{{ row.status }}
{%- if row.status == "graded" %} (scored 0){% endif %}</td>
<td class="wrap">{% if row.notes %}<ul class="notes">
{%- for line in row.notes %}<li>{{ line|visible }}</li>{% endfor %}</ul>
{%- else %}—{% endif %}</td>
<td>{{ feedback_link(row) }}</td>
</tr>
{% endfor %}
</table>
</div>
{% else %}<p>Nothing: every submission was graded and scored above 0.</p>{% endif %}
</section>

<section id="similar">
<h2>Similar submissions</h2>
<p class="hint-box"><strong>A hint, not a verdict.</strong> Students who worked together,
followed the same lesson closely or wrote very little can match by chance. Compared: what
each student wrote, without what they were given (the released starter or notebooks),
with line endings, trailing spaces, blank lines and comment-only lines ignored (for a
notebook, each cell's source). <em>Identical</em>: the same set of written files (cells);
<em>near-identical</em>: at least {{ near_share|pct }} of them in common and at least
{{ min_common }}. A <em>checkpoint (reference)</em> in a row is the reference solution
through that stage, as <code>grader checkpoint</code> gives it to a student who is stuck:
a submission that matches it handed that back.</p>
{% if r.similarity is none %}
<p>{{ r.similarity_note or "Not compared." }}</p>
{% else %}
{% set sim = r.similarity %}
<h3>Identical</h3>
{% if sim.identical %}
<div class="scroll">
<table>
<tr><th>students</th><th class="num">files in common</th><th>such as</th></tr>
{% for m in sim.identical %}
<tr class="identical"><td class="narrow">{{ m.students|map("visible")|join(", ") }}</td>
<td class="num">{{ m.common }}</td>
<td class="wrap">{{ m.files|map("visible")|join(", ") }}</td></tr>
{% endfor %}
</table>
</div>
{% else %}<p>None among the {{ sim.compared }} submissions compared.</p>{% endif %}
<h3>Near-identical</h3>
{% if sim.near %}
<div class="scroll">
<table>
<tr><th>students</th><th class="num">share</th><th class="num">in common</th><th>such as</th>
</tr>
{% for m in sim.near[:max_pairs] %}
<tr class="near"><td class="narrow">{{ m.students|map("visible")|join(", ") }}</td>
<td class="num share">{{ m.share|pct }}</td><td class="num">{{ m.common }} of {{ m.total }}</td>
<td class="wrap">{{ m.files|map("visible")|join(", ") }}</td></tr>
{% endfor %}
</table>
</div>
{% if sim.near|length > max_pairs %}
<p class="muted">And {{ sim.near|length - max_pairs }} more pairs with a lower share.</p>
{% endif %}
{% else %}<p>None among the {{ sim.compared }} submissions compared.</p>{% endif %}
{% if sim.skipped %}
<p class="muted"><small>Not compared:
{% for student, why in sim.skipped.items() -%}
{{ student|visible }} ({{ why }}){{ ", " if not loop.last }}
{%- endfor %}.</small></p>
{% endif %}
{% endif %}
</section>

<section id="students">
<h2>Students</h2>
<div class="scroll">
<table class="students">
<tr><th>student</th><th class="num">autograded</th><th>adjustments</th><th>late penalty</th>
<th class="num">final</th><th>status</th><th>feedback</th></tr>
{% for row in r.rows %}
{% set g = row.grade %}
{% set counted = g and (row.status == "graded" or g.adjustments) %}
<tr class="student">
<td class="narrow">{{ row.student|visible }}</td>
<td class="num">{{ g.autograded|num if g and row.status == "graded" else "—" }}</td>
<td>{% if g and g.adjustments %}{{ g.adjusted|num }}
<ul class="notes">{% for adj in g.adjustments %}
<li><small>{{ adj.points|num }}: {{ (adj.reason or "")|visible }}</small></li>{% endfor %}</ul>
{%- else %}—{% endif %}</td>
<td>{% if g and g.late %}{{ g.late.points|num }} <small class="muted">({{ g.late.days_late }}
day{{ "s" if g.late.days_late != 1 }} late)</small>{% else %}—{% endif %}</td>
<td class="num"><b>{{ g.final|num if counted else "—" }}</b>
{%- if counted %} / {{ g.max_score|num }}{% endif %}</td>
<td class="status-{{ row.status|replace(' ', '-') }}">{{ row.status }}</td>
<td>{{ feedback_link(row) }}</td>
</tr>
{% endfor %}
</table>
</div>
</section>
</body>
</html>
"""
