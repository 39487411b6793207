"""Exercise 1: lesson 9's template of commands, in Django's template language."""

from dashboard_hub import django  # noqa: F401  (first: it sets Django up with the hub's settings)
from django.template import engines

# --8<-- [start:template]
COMMANDS = """\
<ul>
{% for command in commands %}
  <li class="{{ command.status }}">{{ command.name }} {{ command.value }}: {{ command.status }}
    {% if command.detail %}({{ command.detail }}){% endif %}</li>
{% empty %}
  <li>No commands yet.</li>
{% endfor %}
</ul>
"""
# --8<-- [end:template]

# --8<-- [start:try]
template = engines["django"].from_string(COMMANDS)
commands = [
    {"name": "led", "value": "on", "status": "done", "detail": "OK LED ON"},
    {"name": "heater", "value": "on", "status": "failed", "detail": "<b>ERR</b> no heater"},
    {"name": "lamp", "value": "off", "status": "pending", "detail": None},
]
print(template.render({"commands": commands}))
print(template.render({"commands": []}))
# --8<-- [end:try]
