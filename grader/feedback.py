"""The feedback page a student reads: feedback/<student>/<assignment>/index.html.

One self-contained HTML file (no script, no external file), rendered with Jinja2 and
autoescaping: everything in it that the student's code could influence (test messages,
the server's log, notes) is escaped, and its control characters are shown as escapes such
as ``\\x1b`` and ``\\r``, never interpreted (`visible`). From the top, for a beginner:

1. the grade: the final grade when there are adjustments or a late penalty
   (`grader.adjust.final_grade`), with the autograded score, each adjustment and its
   reason, and the late penalty with the submission time and the deadline; a result that
   could not be graded ("needs attention", "error") says so instead of showing a 0;
2. the stage bar (projects): one segment per stage, done / partly / not started, with its
   points;
3. *What to do next*: the step ``grader check`` gives (the lowest stage with a failing
   public test, its first failing test, that test's hint, what the hub answered and the
   lesson section to read); for notebooks the first failing test cell; for a submission
   that needs attention or could not be graded, what to fix;
4. the tests, stage by stage (then "Other tests" for any without a stage; results without
   stages, such as notebooks', are one group): the failing ones first, each with its hint
   beside what happened, and the passing ones folded away (``<details>``). A stage nothing
   passed in yet, other than the one to work on, is folded too;
5. the server's log, in a box of its own that scrolls sideways and down.

Hidden tests show their name, points and hint only: never their source or failure
message, on the page and in `student_summary` (the results.json of a feedback bundle).

The log is the server's output from start-up and the public tests only (`public_log`): the
grader runs the hidden tests last and keeps only what the server wrote before the first of
them started, so it cannot echo a hidden test's requests onto this page.

The page is readable from a 390-px phone to a wide screen: long test names and messages
wrap anywhere (``overflow-wrap: anywhere``), and only the log's box scrolls sideways.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, Template, select_autoescape
from markupsafe import Markup, escape

from grader.adjust import Grade, final_grade
from grader.check import load_hubguide
from grader.course import Assignment, Course, find_course_root, load_course
from grader.errors import CourseError
from grader.results import atomic_write_text, parse_timestamp
from grader.sandbox_runner import OutputDrain

__all__ = [
    "feedback_path",
    "hidden_cutoff",
    "public_log",
    "render_feedback",
    "student_summary",
    "visible",
    "write_feedback",
]

# C0 and C1 controls but tab and newline, DEL, and the invisible characters that reorder or
# hide text (bidi overrides and isolates, zero-width ones, line and paragraph separators)
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
    "|\r(?!\n)"
)
_MADE_UP_ID = re.compile(r"-[0-9a-f]{16}\b")  # the contract tests' fresh device ids
NOT_GRADED = ("needs attention", "error")
"""Statuses of a result that is not a grade: the page says what to fix, never "0"."""
STATES = {"done": "done", "partly": "partly done", "todo": "not started"}
HIDDEN_NOTE = "A hidden test: what it sent and what your hub answered are not shown."
#: A notebook's test cell with hidden checks: the cell is the student's to run, but the
#: grader's message could quote a hidden check, so it is not shown.
HIDDEN_CELL_NOTE = ("This cell also has hidden checks, so the grader's message is not "
                    "shown: run the cell in your notebook to see what its visible checks say.")

_TEMPLATE = """{% macro test_item(t) %}
<li id="{{ t.anchor }}"><div class="test-head">
<span class="mark {{ 'pass' if t.passed else 'fail' }}">{{ "✓" if t.passed else "✗" }}</span>
<span class="what"><span class="name">{{ t.short|breakable }}</span>
{%- if t.hidden %} <span class="hidden-note">({{ t.hidden_label }})</span>{% endif %}
{% if t.file %}<span class="file">{{ t.file|visible }}</span>{% endif %}</span>
<span class="pts">{{ num(t.earned) }} / {{ num(t.points) }}</span></div>
{% if not t.passed %}
<dl class="about">
{% if t.hint %}<dt>Hint</dt><dd>{{ t.hint|visible }}</dd>{% endif %}
{% if t.hidden %}
<dt>Got</dt><dd class="hidden-note">{{ t.hidden_note }}</dd>
{% elif t.happened %}
<dt>Got</dt><dd>
{%- if t.same_as_above %}the same as the test above
{%- else %}<code>{{ t.happened|visible }}</code>{% endif %}
{% if t.message and t.message != t.happened %}
<details><summary>the whole message</summary><pre>{{ t.message|visible }}</pre></details>
{% endif %}
</dd>
{% endif %}
</dl>
{% endif %}
</li>
{% endmacro %}
{% macro plural(n, word) %}{{ n }} {{ word }}{{ "s" if n != 1 }}{% endmacro %}
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ r.assignment }} — feedback for {{ r.student }}</title>
<style>
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, sans-serif; color: #1f1f1f; max-width: 62rem;
       margin: 0 auto; padding: 1rem; overflow-wrap: anywhere; }
h1 { font-size: 1.35rem; margin: .25rem 0 .5rem; line-height: 1.3; }
h2 { font-size: 1.2rem; margin: 1.75rem 0 .5rem; }
code, .name, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code, .name { font-size: .92em; }
.muted { color: #5f6368; } .small { font-size: .875rem; }
.pass { color: #137333; } .fail { color: #b3261e; }
.grade { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem 1rem; }
.score { font-size: 2rem; font-weight: 700; line-height: 1.2; }
.badge { display: inline-block; padding: .1rem .6rem; border-radius: 1rem; font-weight: 600;
         background: #fce8e6; color: #a50e0e; }
.breakdown { margin: .25rem 0 .5rem; border-collapse: collapse; }
.breakdown td { padding: .1rem .75rem .1rem 0; vertical-align: top; }
.breakdown td.points { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.breakdown tr.final td { border-top: 1px solid #c4c7c5; font-weight: 700; }
.stages { list-style: none; margin: .75rem 0; padding: 0; display: grid; gap: .5rem;
          grid-template-columns: repeat(auto-fit, minmax(10.5rem, 1fr)); }
.stages a { display: grid; grid-template-columns: 1fr auto; gap: 0 .5rem; height: 100%;
            grid-template-areas: "name state" "title title" "points points" "meter meter";
            color: inherit; text-decoration: none; border: 1px solid #dadce0;
            border-radius: .5rem; padding: .45rem .6rem; }
.stages a:hover { border-color: #1a73e8; }
.seg-name { grid-area: name; font-weight: 600; white-space: nowrap; }
.state { grid-area: state; font-size: .8rem; font-weight: 600; white-space: nowrap;
         align-self: center; }
.seg-title { grid-area: title; font-size: .875rem; color: #3c4043; min-width: 0; }
.seg-points { grid-area: points; font-size: .875rem; font-variant-numeric: tabular-nums;
              white-space: nowrap; }
.meter { grid-area: meter; display: block; height: .4rem; border-radius: .2rem;
         background: #e8eaed; margin-top: .3rem; overflow: hidden; }
.meter span { display: block; height: 100%; background: #137333; }
.partly .meter span { background: #e37400; }
.done .state { color: #137333; } .partly .state { color: #b06000; }
.todo .state { color: #5f6368; }
.next { border: 2px solid #1a73e8; background: #f0f5fe; border-radius: .6rem;
        padding: .5rem 1rem .75rem; margin: 1rem 0; }
.next.attention { border-color: #b3261e; background: #fdf3f2; }
.next.done { border-color: #137333; background: #eef7f0; }
.next h2 { margin: .25rem 0 .4rem; }
.next p { margin: .35rem 0; }
.next .todo-name { font-weight: 600; }
.next dl.about { padding-left: 0; }
dl.about { margin: .25rem 0; display: grid; grid-template-columns: max-content 1fr;
           gap: .15rem .75rem; }
dl.about dt { font-weight: 600; } dl.about dd { margin: 0; min-width: 0; }
section.stage { margin-top: 1.5rem; }
section.stage h3 { font-size: 1.1rem; margin: 0 0 .25rem; }
.subtotal { font-weight: normal; color: #5f6368; font-size: .95rem; }
ul.tests { list-style: none; margin: 0; padding: 0; }
ul.tests > li { border-top: 1px solid #e8eaed; padding: .45rem 0; }
.test-head { display: flex; gap: .5rem; align-items: baseline; }
.test-head .mark { flex: none; width: 1.1rem; font-weight: 700; }
.test-head .what { flex: 1; min-width: 0; }
.test-head .pts { flex: none; white-space: nowrap; font-variant-numeric: tabular-nums; }
.file { display: block; font-size: .8rem; color: #5f6368; }
.about { padding-left: 1.6rem; }
.hidden-note { font-style: italic; color: #5f6368; }
details { margin: .35rem 0; }
details > summary { cursor: pointer; color: #1a5fb4; }
pre { background: #f6f6f6; border-radius: .3rem; padding: .5rem .65rem; margin: .25rem 0;
      white-space: pre-wrap; overflow-wrap: anywhere; font-size: .85rem; max-width: 100%; }
pre.log { white-space: pre; overflow: auto; max-height: 28rem; overflow-wrap: normal; }
ul.notes li { margin: .25rem 0; }
@media (max-width: 34rem) {
  body { padding: .75rem; }
  .score { font-size: 1.6rem; }
  .stages { grid-template-columns: none; grid-auto-flow: column;
            grid-auto-columns: minmax(0, 1fr); gap: .25rem; margin: .5rem 0; }
  .stages a { grid-template-columns: 1fr; grid-template-areas: "name" "points" "meter";
              padding: .2rem .3rem; text-align: center; }
  .stages .state, .stages .unit, .stages .seg-title, .stages .tick { display: none; }
  .seg-name, .seg-points { font-size: .75rem; white-space: normal; }
  .meter { height: .3rem; margin-top: .15rem; }
  .about { padding-left: 0; }
  dl.about { grid-template-columns: 1fr; } dl.about dd { margin-bottom: .25rem; }
}
</style>
</head>
<body>
<header>
<h1>{{ title }} — feedback for {{ r.student|visible }}</h1>
<div class="grade">
{% if not_graded %}
<span class="score">Not graded</span>
<span class="badge">
{{- "needs attention" if r.status == "needs attention" else "the grader failed" -}}
</span>
{% else %}
<span class="score">{{ num(grade.final) }} / {{ num(grade.max_score) }}</span>
<span>{{ "your grade" if changed else "points" }}</span>
{% endif %}
</div>
{% if changed and not not_graded %}
<table class="breakdown">
<tr><td>Autograded (the tests)</td><td class="points">{{ num(grade.autograded) }}</td></tr>
{% if grade.late %}
<tr><td>Late by {{ days(grade.late.days_late) }}:
handed in {{ when(grade.late.submitted_at) }}, deadline {{ when(grade.late.deadline) }}</td>
<td class="points">{{ signed(grade.late.points) }}</td></tr>
{% endif %}
{% for a in grade.adjustments %}
<tr><td>{{ (a.reason or "Adjusted by your instructor")|visible }}</td>
<td class="points">{{ signed(a.points) }}</td></tr>
{% endfor %}
<tr class="final"><td>Your grade
{%- if clamped %} (kept between 0 and {{ num(grade.max_score) }}){% endif %}</td>
<td class="points">{{ num(grade.final) }} / {{ num(grade.max_score) }}</td></tr>
</table>
{% endif %}
{% if r.tests %}
<p class="small muted">{{ passed }} of {{ plural(r.tests|length, "test") }} passed.</p>
{% endif %}
{% if stages %}
<ol class="stages" aria-label="Stages">
{% for s in stages %}
<li class="{{ s.state }}"><a href="#{{ s.anchor }}">
<span class="seg-name">
{%- if s.state == "done" %}<span class="tick">✓ </span>{% endif %}Stage {{ s.number }}</span>
<span class="state">{{ states[s.state] }}</span>
<span class="seg-title">{{ s.title }}</span>
<span class="seg-points">{{ num(s.earned) }} / {{ num(s.possible) }}
{{- "" }}<span class="unit"> points</span></span>
<span class="meter"><span style="width: {{ s.percent }}%"></span></span>
</a></li>
{% endfor %}
</ol>
{% endif %}
</header>

<section class="next{{ ' ' ~ step.css if step.css }}" id="next" aria-labelledby="next-title">
<h2 id="next-title">{{ step.heading }}</h2>
<p>{{ step.lead }}</p>
{% if step.kind in ("needs attention", "error") %}
{% if r.feedback %}
<ul class="notes">{% for line in r.feedback %}<li>{{ line|visible }}</li>{% endfor %}</ul>
{% endif %}
{% elif step.kind == "test" %}
<p class="todo-name"><a href="#{{ step.test.anchor }}">
{{- "" }}<code>{{ step.test.short|breakable }}</code></a>
<span class="muted small">({{ points(step.test.points) }}
{%- if step.test.file %}, in <code>{{ step.test.file|visible }}</code>{% endif %})</span></p>
<dl class="about">
{% if step.test.hint %}<dt>Hint</dt><dd>{{ step.test.hint|visible }}</dd>{% endif %}
{% if step.test.happened %}
<dt>{{ step.got_label }}</dt><dd><code>{{ step.test.happened|visible }}</code></dd>
{% endif %}
{% if step.read %}<dt>Read</dt><dd>{{ step.read }}</dd>{% endif %}
</dl>
{% endif %}
{% if step.tail %}<p class="small">{{ step.tail }}</p>{% endif %}
</section>

{% if r.feedback and not not_graded %}
<h2>What happened</h2>
<ul class="notes">{% for line in r.feedback %}<li>{{ line|visible }}</li>{% endfor %}</ul>
{% endif %}

{% if groups %}
<h2>The tests{% if stages %}, stage by stage{% endif %}</h2>
{% for g in groups %}
<section class="stage" id="{{ g.anchor }}">
{% if g.heading %}
<h3>{{ "✓ " if not g.failing }}{{ g.heading }} <span class="subtotal">— {{ num(g.earned) }}
{{- " / " }}{{ num(g.possible) }} points, {{ g.passed }} of {{ plural(g.total, "test") }}
{{- " passed" }}</span></h3>
{% endif %}
{% if g.failing and g.open %}
<ul class="tests">{% for t in g.failing %}{{ test_item(t) }}{% endfor %}</ul>
{% elif g.failing %}
<details class="failing">
<summary>{{ plural(g.failing|length, "test") }} to pass (none passes yet): show them</summary>
<ul class="tests">{% for t in g.failing %}{{ test_item(t) }}{% endfor %}</ul>
</details>
{% endif %}
{% if g.passing %}
<details class="passing">
<summary>✓ {{ plural(g.passing|length, "passing test") }}
{{- " (" ~ points(g.passing_points) ~ ")" }}</summary>
<ul class="tests">{% for t in g.passing %}{{ test_item(t) }}{% endfor %}</ul>
</details>
{% endif %}
</section>
{% endfor %}
{% endif %}

{% if r.server_log_tail %}
<h2>Your server's log</h2>
<p class="small">What your server printed from start-up through the public tests; what it
printed while the hidden tests ran is not shown. Control characters appear as escapes such
as <code>\\x1b</code>. Long lines scroll inside the box.</p>
<pre class="log">{{ r.server_log_tail|visible }}</pre>
{% endif %}
{% if links %}
<h2>Your notebooks, with the grader's outputs</h2>
<ul>{% for name in links %}<li><a href="{{ name }}">{{ name }}</a></li>{% endfor %}</ul>
{% endif %}
<footer><p class="small muted">Graded {{ when(r.graded_at) }}.
Submission {{ r.submission_sha256[:12] }}, test suite {{ r.suite_version[:12] }},
grader {{ r.grader_version }}.</p></footer>
</body>
</html>
"""


def feedback_path(course_dir: Path, student: str, assignment: str) -> Path:
    """Return feedback/<student>/<assignment>/index.html under the course directory."""
    return Path(course_dir) / "feedback" / student / assignment / "index.html"


def visible(text: Any) -> str:
    """text with its control and invisible characters written out as escapes (\\x1b, \\r).

    An ANSI colour code, a carriage return that would overwrite a line, a NUL or a bidi
    override in a log or a message is shown for what it is, never acted on; tab and
    newline stay, and so does the \\r of a \\r\\n line end.
    """
    return _INVISIBLE.sub(_escape, str(text))


def breakable(text: Any) -> Markup:
    """A test's name, escaped (`visible`), that a narrow screen breaks before its
    parameters (``test_x<wbr>[case]``) rather than anywhere; the name itself stays whole
    in the HTML, for a search."""
    return Markup(str(escape(visible(text))).replace("[", "<wbr>["))


def _escape(match: re.Match[str]) -> str:
    """One invisible character as Python writes it in a string: \\x1b, \\r, \\u202e."""
    char = match.group()
    return {"\r": "\\r", "\x0b": "\\v", "\x0c": "\\f", "\x08": "\\b"}.get(char) \
        or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def public_log(report: dict[str, Any], raw: dict[str, Any] | None, size: int) -> str:
    """The server's output a student may see: from start-up until the hidden tests began.

    report: the sandbox runner's (``log_stamped``: the output with arrival times; see
    `grader.sandbox_runner.OutputDrain`); raw: the suite's results (their marks say when
    the first hidden test started; see `hidden_cutoff`). Without arrival
    times, only a job in which no hidden test can have run shows its log.
    """
    cutoff = hidden_cutoff(raw, report.get("suite") or {})
    stamped = report.get("log_stamped")
    if stamped:
        return OutputDrain.public_text(stamped, cutoff, size)
    return report.get("log_tail", "") if cutoff is None else ""


def hidden_cutoff(raw: dict[str, Any] | None, suite: dict[str, Any]) -> float | None:
    """The moment after which a hidden test may have sent something; None: none ever did.

    raw: the job's results from grader.plugin, whose marks hold ``hidden_started_at`` when a
    hidden test ran (None when the child wrote none); suite: what the grader knows of
    the child's run (``sent_at``: when the job went to the zygote). Without results nobody
    can tell which tests ran, so the moment the job was sent is the safe answer.
    """
    marks = (raw or {}).get("marks") or {}
    if "hidden_started_at" in marks:
        return float(marks["hidden_started_at"])
    if raw is not None and "finished_at" in marks:
        return None  # the run ended before any hidden test began
    sent = suite.get("sent_at")
    return float(sent) if sent is not None else None


# --------------------------------------------------------------------------------------------
# the page
# --------------------------------------------------------------------------------------------


def render_feedback(result: dict[str, Any], links: list[str] | None = None, *,
                    grade: Grade | None = None, assignment: Assignment | None = None) -> str:
    """Render one results.json document as the student's page.

    grade: the final grade (`grader.adjust.final_grade`; without it, the autograded
    score); assignment: the course's entry, for its title and where each stage is taught;
    links: the notebooks' own feedback pages beside this one.
    """
    grade = grade or _autograded_only(result)
    notebook = result.get("kind") == "notebook"
    tests = [_test_view(index, test, notebook=notebook)
             for index, test in enumerate(result.get("tests") or [])]
    groups = _groups(tests)
    step = next_step(result, tests, assignment)
    _open_groups(groups, step)
    stages = [g for g in groups if g["number"] is not None]
    changed = bool(grade.adjustments or grade.late)
    return _template().render(
        r=result, grade=grade, changed=changed,
        clamped=changed and grade.final != round(
            grade.autograded + grade.adjusted + grade.late_points, 2),
        not_graded=result.get("status") in NOT_GRADED,
        title=_title(result, assignment), passed=sum(t["passed"] for t in tests),
        stages=stages, groups=groups, step=step, links=links or [])


@cache
def _template() -> Template:
    """The page's template, compiled once, with its filters and helpers."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["visible"] = visible
    env.filters["breakable"] = breakable
    env.globals.update(num=_num, signed=_signed, points=_points, when=_when, days=_days,
                       states=STATES)
    return env.from_string(_TEMPLATE)


def _autograded_only(result: dict[str, Any]) -> Grade:
    """A Grade of the autograded score alone (no course at hand to find the late policy)."""
    score = float(result.get("score") or 0)
    return Grade(student=result.get("student", ""), assignment=result.get("assignment", ""),
                 status=str(result.get("status", "")), autograded=score,
                 max_score=float(result.get("max_score") or 0), final=score)


def _title(result: dict[str, Any], assignment: Assignment | None) -> str:
    """``The hub in Flask (flask-hub)``, or the assignment's name alone."""
    name = str(result.get("assignment", ""))
    if assignment is not None and assignment.title and assignment.title != name:
        return f"{assignment.title} ({name})"
    return name


def _test_view(index: int, test: dict[str, Any], *, notebook: bool = False) -> dict[str, Any]:
    """What the page shows of one test; a hidden test keeps its name, points and hint only.

    In a notebook, "hidden" is a test cell with hidden checks in it: the student has the
    cell (and its visible checks), only not the grader's message."""
    hubguide = load_hubguide()
    hidden = test.get("visibility") == "hidden"
    record = {**test, "message": None if hidden else test.get("message")}
    seen = hubguide.TestResult.from_record(record)
    has_file = "::" in seen.name
    return {
        "anchor": f"test-{index + 1}",
        "name": seen.name,
        "short": seen.short_name,
        "file": seen.file if has_file else "",
        "points": float(test.get("points") or 0),
        "earned": float(test.get("earned") or 0),
        "passed": bool(test.get("passed")),
        "hidden": hidden,
        "hidden_label": "has hidden checks" if notebook else "hidden test",
        "hidden_note": HIDDEN_CELL_NOTE if notebook else HIDDEN_NOTE,
        "hint": test.get("hint"),
        "stage": seen.stage,
        "stage_title": seen.stage_title,
        "happened": None if hidden else seen.happened,
        "message": record["message"],
        "guide": seen,
    }


def _groups(tests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tests by stage (see hubguide), each group's failing tests first: public ones in
    the order they ran, then hidden ones; its passing tests apart.

    A lone group of tests without a stage gets no heading: the page's "The tests" says it.
    """
    hubguide = load_hubguide()
    grouped = hubguide.group_by_stage(tests, lambda t: (t["stage"], t["stage_title"]))
    lone = len(grouped) == 1 and grouped[0][0] is None
    groups = []
    for stage, title, members in grouped:
        failing = [t for t in members if not t["passed"]]
        passing = [t for t in members if t["passed"]]
        earned = sum(t["earned"] for t in members)
        possible = sum(t["points"] for t in members)
        groups.append({
            "number": stage, "title": title,
            "heading": None if lone else hubguide.stage_label(stage, title),
            "anchor": f"stage-{stage}" if stage is not None else "other-tests",
            "failing": _mark_repeats(sorted(failing, key=lambda t: t["hidden"])),
            "passing": passing, "passing_points": sum(t["points"] for t in passing),
            "earned": earned, "possible": possible, "passed": len(passing),
            "total": len(members),
            "state": "done" if not failing else ("partly" if passing else "todo"),
            "percent": round(100 * earned / possible) if possible else 100,
            "open": bool(passing),
        })
    return groups


def _mark_repeats(failing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mark each failing test that met the same thing as the one above it (whatever fresh
    device each made), so the page says "the same as the test above" (as the guide does)."""
    before = None
    for test in failing:
        happened = test["happened"] and _MADE_UP_ID.sub("-", test["happened"])
        test["same_as_above"] = bool(happened) and happened == before
        before = happened
    return failing


def _open_groups(groups: list[dict[str, Any]], step: dict[str, Any]) -> None:
    """Unfold the failing tests of the stage to work on (those of a stage partly done are
    unfolded already); a stage nothing passes in yet stays folded under its heading,
    unless no stage would be unfolded at all."""
    target = step.get("test")
    for group in groups:
        if any(test is target for test in group["failing"]):
            group["open"] = True
    if not any(g["open"] for g in groups if g["failing"]):
        for group in groups:
            group["open"] = True  # nothing passes anywhere: show it all, folded is no help


# --------------------------------------------------------------------------------------------
# what to do next
# --------------------------------------------------------------------------------------------


def next_step(result: dict[str, Any], tests: list[dict[str, Any]],
              assignment: Assignment | None) -> dict[str, Any]:
    """The box at the top: what to fix, or the next test to make pass (`grader check`'s).

    For a project the next test is the one ``grader check`` names: the first failing public
    test of the lowest stage with one. When every public test passes, the first failing
    hidden test (by name and hint). Notebooks: the first failing test cell.
    """
    status = result.get("status")
    if status == "needs attention":
        return {"kind": status, "css": "attention",
                "heading": "What to do next: your submission needs attention",
                "lead": "It could not be graded as you handed it in, so it has no grade yet "
                        "(this is not a 0). What the grader found:",
                "tail": "Fix what the lines above say, then hand your work in again."}
    if status == "error":
        return {"kind": status, "css": "attention",
                "heading": "What to do next: your submission was not graded",
                "lead": "The grader could not grade it, so it has no grade yet (this is not "
                        "a 0). What happened:",
                "tail": "If the lines above name something in your work (too many files, a "
                        "file too large), fix it and hand it in again; otherwise ask your "
                        "instructor, who sees the same message."}
    if not tests:
        return {"kind": "empty", "css": "", "heading": "What to do next",
                "lead": "No test ran on your submission. Ask your instructor.", "tail": ""}
    if result.get("kind") == "notebook":  # the cells in order, hidden checks or not
        failing = next((t for t in tests if not t["passed"]), None)
        if failing is not None:
            return _test_step(failing, None, result, assignment)
        return {"kind": "done", "css": "done", "heading": "Every test passes",
                "lead": "Well done: every test cell of this notebook passes, with its hidden "
                        "checks.", "tail": ""}
    public = [t for t in tests if not t["hidden"]]
    guide = load_hubguide().Guide(t["guide"] for t in public)
    upcoming = guide.next
    if upcoming is not None:
        test = next(t for t in public if t["guide"] is upcoming)
        return _test_step(test, guide.current, result, assignment)
    hidden = next((t for t in tests if t["hidden"] and not t["passed"]), None)
    if hidden is not None:
        return {"kind": "test", "css": "", "test": hidden, "heading": "What to do next",
                "lead": "Every public test passes. A hidden test still fails: its name and "
                        "hint say what it checks (read contract/openapi.yaml for the case "
                        "you have not tried)." if result.get("kind") == "project" else
                        "Every test you can see passes. A hidden test still fails: its "
                        "name says which part to look at again.",
                "got_label": "Got", "read": _reading(hidden, assignment),
                "tail": "Hidden tests are not in your copy: write a test of your own for "
                        "that case, then check your work again."}
    return {"kind": "done", "css": "done", "heading": "Every test passes",
            "lead": "Well done: every test of this assignment passes, the hidden ones too.",
            "tail": ""}


def _test_step(test: dict[str, Any], current: Any, result: dict[str, Any],
               assignment: Assignment | None) -> dict[str, Any]:
    """The next step when a public test fails."""
    if result.get("kind") == "project":
        where = f"You are on {current.label}" if current.number is not None else \
            "Your hub's own tests"
        left = sum(not t.passed for t in current.tests)
        lead = (f"{where}: {left} of its {len(current.tests)} public tests still fail. "
                "Make this one pass first:")
        tail = ("Check your work in your starter with grader check (or python -m pytest): "
                "it runs the public tests and names this same test next.")
        got = "Your hub answered" if test["guide"].outcome != "skipped" else "Skipped"
    else:
        notebook = test["file"] or "your notebook"
        lead = f"The first test cell that fails, in {notebook}:"
        tail = ("Open the notebook's page below (your notebook, with the grader's outputs), "
                "find this cell and the code it tests, fix the code and validate the "
                "notebook before you hand it in again.")
        if test["hidden"]:
            tail += (" This cell also has hidden checks, which only the grader runs: when "
                     "its visible checks pass, try the cases they leave out.")
        got = "It failed with"
    return {"kind": "test", "css": "", "test": test, "heading": "What to do next",
            "lead": lead, "tail": tail, "got_label": got, "read": _reading(test, assignment)}


def _reading(test: dict[str, Any], assignment: Assignment | None) -> str | None:
    """Where the test's stage is taught: "the lesson 'Page', section 'Heading'"."""
    if assignment is None or test["stage"] is None:
        return None
    stage = next((s for s in assignment.stages if s.number == test["stage"]), None)
    return f"the lesson {stage.reference()}" if stage is not None else None


# --------------------------------------------------------------------------------------------
# numbers and times, as a person reads them
# --------------------------------------------------------------------------------------------


def _num(value: Any) -> str:
    """A number without a trailing .0: 264, 2.5."""
    return f"{float(value):g}"


def _signed(value: Any) -> str:
    """A change of points with its sign: +3, −5 (a real minus sign)."""
    number = float(value)
    return f"+{number:g}" if number > 0 else ("0" if number == 0 else f"−{-number:g}")


def _points(value: Any) -> str:
    """``1 point``, ``3 points``."""
    return f"{_num(value)} point{'' if float(value) == 1 else 's'}"


def _days(value: Any) -> str:
    """``1 day``, ``3 days``."""
    return f"{_num(value)} day{'' if float(value) == 1 else 's'}"


def _when(value: Any) -> str:
    """A moment as ``1 Dec 2026, 14:03 UTC``; text that is no time is shown as it is."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = parse_timestamp(str(value))
        except ValueError:
            return visible(value)
    zone = moment.tzname() or ""
    return f"{moment.day} {moment:%b %Y, %H:%M} {zone}".rstrip()


# --------------------------------------------------------------------------------------------
# writing it
# --------------------------------------------------------------------------------------------


def write_feedback(course_dir: Path, result: dict[str, Any], course: Course | None = None, *,
                   assignment: Assignment | None = None) -> Path:
    """Write the page next to any notebook feedback nbgrader made; return its path.

    course: for the final grade (adjustments, late penalty) and where stages are taught.
    Without it, the course is the one whose course.toml is above ``assignment``'s source
    (grader.batch passes the assignment); without either, the page shows the autograded
    score.
    """
    path = feedback_path(course_dir, result["student"], result["assignment"])
    links = sorted(p.name for p in path.parent.glob("*.html") if p.name != "index.html") \
        if path.parent.is_dir() else []
    course = course or _course_of(assignment)
    if course is not None and assignment is None:
        assignment = course.assignments.get(result["assignment"])
    grade = final_grade(course, course_dir, result) if course is not None else None
    atomic_write_text(path, render_feedback(result, links, grade=grade, assignment=assignment))
    return path


def _course_of(assignment: Assignment | None) -> Course | None:
    """The course an assignment comes from: the course.toml above its source."""
    if assignment is None or assignment.source is None:
        return None
    try:
        course = load_course(find_course_root(assignment.source))
    except CourseError:
        return None
    return course if assignment.name in course.assignments else None


def student_summary(result: dict[str, Any], grade: Grade | None = None) -> dict[str, Any]:
    """The results.json of a feedback bundle: what the student may keep, as data.

    The grade (autograded, each adjustment's points, reason and date, the late penalty,
    the final grade), the status and notes, and every test with its stage, points, hint
    and outcome; a public test's failure message, never a hidden one's. Left out: the
    server's log (it is on the page), who made an adjustment, and the grader's timings.
    """
    grade = grade or _autograded_only(result)
    tests = []
    for test in result.get("tests") or []:
        hidden = test.get("visibility") == "hidden"
        tests.append({
            "name": test.get("name"), "visibility": "hidden" if hidden else "public",
            "stage": test.get("stage"), "stage_title": test.get("stage_title"),
            "points": test.get("points"), "earned": test.get("earned"),
            "passed": bool(test.get("passed")), "outcome": test.get("outcome"),
            "hint": test.get("hint"), "message": None if hidden else test.get("message"),
        })
    not_graded = result.get("status") in NOT_GRADED
    return {
        "student": result.get("student"), "assignment": result.get("assignment"),
        "kind": result.get("kind"), "status": result.get("status"),
        "grade": {
            "final": None if not_graded else grade.final, "max_score": grade.max_score,
            "autograded": None if not_graded else grade.autograded,
            "adjustments": [{"points": a.get("points"), "reason": a.get("reason"),
                             "at": a.get("at")} for a in grade.adjustments],
            "late": grade.late,
        },
        "feedback": list(result.get("feedback") or []),
        "tests": tests,
        "graded_at": result.get("graded_at"),
        "submission_sha256": result.get("submission_sha256"),
        "suite_version": result.get("suite_version"),
        "grader_version": result.get("grader_version"),
    }
