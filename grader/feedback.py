"""The feedback page a student reads: feedback/<student>/<assignment>/index.html.

One self-contained HTML file rendered with Jinja2 and autoescaping (everything in it that
the student's code could influence — test messages, the server log — is escaped, and its
control characters are shown as escapes such as ``\x1b`` and ``\r``, never interpreted).
It shows the score, what happened to the submission, the tests grouped by stage (a heading
per stage with its subtotal, the tests in the order the lessons teach them, then "Other
tests" for any without a stage) each with its result, points and hint, and the server's
log. Hidden tests show their name, points and hint only: never their source or failure
message. Results without stages (notebooks, older results) show one table of tests.

The log is the server's output from start-up and the public tests only (`public_log`): the
grader runs the hidden tests last and keeps only what the server wrote before the first of
them started, so it cannot echo a hidden test's requests onto this page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from grader.check import load_hubguide
from grader.results import atomic_write_text
from grader.sandbox_runner import OutputDrain

__all__ = [
    "feedback_path",
    "hidden_cutoff",
    "public_log",
    "render_feedback",
    "visible",
    "write_feedback",
]

# C0 and C1 controls but tab and newline, DEL, and the invisible characters that reorder or
# hide text (bidi overrides and isolates, zero-width ones, line and paragraph separators)
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
    "|\r(?!\n)"
)

_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ r.assignment }} — feedback for {{ r.student }}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; } .score { font-size: 2rem; font-weight: bold; }
table { border-collapse: collapse; width: 100%; }
td, th { padding: .3rem .5rem; border-bottom: 1px solid #ddd; text-align: left;
         vertical-align: top; }
.pass { color: #137333; } .fail { color: #b3261e; } .hidden { font-style: italic; color: #555; }
pre { background: #f6f6f6; padding: .75rem; overflow-x: auto; white-space: pre-wrap; }
.notes li { margin: .25rem 0; }
h3 { font-size: 1.1rem; margin-top: 1.5rem; } .subtotal { font-weight: normal; color: #555; }
</style>
</head>
<body>
<h1>{{ r.assignment }} — {{ r.student }}</h1>
<p class="score">{{ "%g"|format(r.score) }} / {{ "%g"|format(r.max_score) }}</p>
<p>{{ passed }} of {{ r.tests|length }} tests passed. Graded {{ r.graded_at }}
{%- if r.status != "graded" %} (status: {{ r.status }}){% endif %}.</p>
{% if r.feedback %}
<h2>What happened</h2>
<ul class="notes">{% for line in r.feedback %}<li>{{ line|visible }}</li>{% endfor %}</ul>
{% endif %}
<h2>Tests</h2>
{% for g in groups %}
{% if g.heading %}
<h3 id="{{ g.anchor }}">{{ "✓ " if g.passed == g.tests|length }}{{ g.heading }}
<span class="subtotal">— {{ "%g"|format(g.earned) }} / {{ "%g"|format(g.possible) }} points,
{{ g.passed }} of {{ g.tests|length }} tests passed</span></h3>
{% endif %}
<table>
<tr><th></th><th>test</th><th>points</th><th>hint</th></tr>
{% for t in g.tests %}
<tr>
<td class="{{ 'pass' if t.passed else 'fail' }}">{{ "✓" if t.passed else "✗" }}</td>
<td>{{ t.name|visible }}
{%- if t.visibility == "hidden" %} <span class="hidden">(hidden test)</span>
{%- elif t.message %}<pre>{{ t.message|visible }}</pre>{% endif %}</td>
<td>{{ "%g"|format(t.earned) }} / {{ "%g"|format(t.points) }}</td>
<td>{{ t.hint or "" }}</td>
</tr>
{% endfor %}
</table>
{% endfor %}
{% if r.server_log_tail %}
<h2>Your server's log</h2>
<p>What your server printed from start-up through the public tests; what it printed while
the hidden tests ran is not shown. Control characters appear as escapes such as
<code>\\x1b</code>.</p>
<pre class="log">{{ r.server_log_tail|visible }}</pre>
{% endif %}
{% if links %}
<h2>Notebooks</h2>
<ul>{% for name in links %}<li><a href="{{ name }}">{{ name }}</a></li>{% endfor %}</ul>
{% endif %}
<p><small>Submission {{ r.submission_sha256[:12] }}, test suite {{ r.suite_version[:12] }},
grader {{ r.grader_version }}.</small></p>
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


def render_feedback(result: dict[str, Any], links: list[str] | None = None) -> str:
    """Render one results.json document as the student's page."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["visible"] = visible
    template = env.from_string(_TEMPLATE)
    passed = sum(1 for t in result["tests"] if t["passed"])
    return template.render(r=result, passed=passed, groups=stage_groups(result["tests"]),
                           links=links or [])


def stage_groups(tests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tests by stage, each group with its heading and subtotal (see hubguide).

    A lone group of tests without a stage gets no heading: the page's "Tests" says it all.
    """
    hubguide = load_hubguide()
    grouped = hubguide.group_by_stage(tests, lambda t: (_stage(t), t.get("stage_title")))
    lone = len(grouped) == 1 and grouped[0][0] is None
    return [{
        "heading": None if lone else hubguide.stage_label(stage, title),
        "anchor": f"stage-{stage}" if stage is not None else "other-tests",
        "tests": members,
        "earned": sum(float(t["earned"]) for t in members),
        "possible": sum(float(t["points"]) for t in members),
        "passed": sum(1 for t in members if t["passed"]),
    } for stage, title, members in grouped]


def _stage(test: dict[str, Any]) -> int | None:
    """A results.json test's stage, or None (older results and notebooks have none)."""
    stage = test.get("stage")
    return stage if isinstance(stage, int) and not isinstance(stage, bool) else None


def write_feedback(course_dir: Path, result: dict[str, Any]) -> Path:
    """Write the page next to any notebook feedback nbgrader made; return its path."""
    path = feedback_path(course_dir, result["student"], result["assignment"])
    links = sorted(p.name for p in path.parent.glob("*.html") if p.name != "index.html") \
        if path.parent.is_dir() else []
    atomic_write_text(path, render_feedback(result, links))
    return path
