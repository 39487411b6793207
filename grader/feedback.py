"""The feedback page a student reads: feedback/<student>/<assignment>/index.html.

One self-contained HTML file rendered with Jinja2 and autoescaping (everything in it that
the student's code could influence — test messages, the server log — is escaped). It shows
the score, what happened to the submission, the tests grouped by stage (a heading per
stage with its subtotal, the tests in the order the lessons teach them, then "Other tests"
for any without a stage) each with its result, points and hint, and the tail of the
server's log. Hidden tests show their name and hint, never their source or failure message.
Results without stages (notebooks, older results) show one table of tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from grader.check import load_hubguide
from grader.results import atomic_write_text

__all__ = ["feedback_path", "render_feedback", "write_feedback"]

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
<ul class="notes">{% for line in r.feedback %}<li>{{ line }}</li>{% endfor %}</ul>
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
<td>{{ t.name }}
{%- if t.visibility == "hidden" %} <span class="hidden">(hidden test)</span>{% endif %}
{%- if t.message %}<pre>{{ t.message }}</pre>{% endif %}</td>
<td>{{ "%g"|format(t.earned) }} / {{ "%g"|format(t.points) }}</td>
<td>{{ t.hint or "" }}</td>
</tr>
{% endfor %}
</table>
{% endfor %}
{% if r.server_log_tail %}
<h2>The end of your server's log</h2>
<pre>{{ r.server_log_tail }}</pre>
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


def render_feedback(result: dict[str, Any], links: list[str] | None = None) -> str:
    """Render one results.json document as the student's page."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
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
