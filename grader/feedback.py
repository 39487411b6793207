"""The feedback page a student reads: feedback/<student>/<assignment>/index.html.

One self-contained HTML file rendered with Jinja2 and autoescaping (everything in it that
the student's code could influence — test messages, the server log — is escaped). It shows
the score, each test with its result, points and hint, what happened to the submission and
the tail of the server's log. Hidden tests show their name and hint, never their source
or failure message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

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
<table>
<tr><th></th><th>test</th><th>points</th><th>hint</th></tr>
{% for t in r.tests %}
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
    return template.render(r=result, passed=passed, links=links or [])


def write_feedback(course_dir: Path, result: dict[str, Any]) -> Path:
    """Write the page next to any notebook feedback nbgrader made; return its path."""
    path = feedback_path(course_dir, result["student"], result["assignment"])
    links = sorted(p.name for p in path.parent.glob("*.html") if p.name != "index.html") \
        if path.parent.is_dir() else []
    atomic_write_text(path, render_feedback(result, links))
    return path
