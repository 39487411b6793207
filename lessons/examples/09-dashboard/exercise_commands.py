"""Exercise 1: a template for a device's commands."""

from flask import Flask, render_template_string

# --8<-- [start:template]
COMMANDS = """\
<ul>
{% for command in commands %}
  <li class="{{ command.status }}">{{ command.name }} {{ command.value }}: {{ command.status }}
  {%- if command.detail %} ({{ command.detail }}){% endif %}</li>
{% else %}
  <li>No commands yet.</li>
{% endfor %}
</ul>"""
# --8<-- [end:template]

# --8<-- [start:try]
commands = [
    {"name": "led", "value": "on", "status": "done", "detail": "OK LED ON"},
    {"name": "heater", "value": "on", "status": "failed", "detail": "<b>ERR</b> no heater"},
    {"name": "lamp", "value": "off", "status": "pending", "detail": None},
]
app = Flask(__name__)
with app.app_context():
    print(render_template_string(COMMANDS, commands=commands))
    print(render_template_string(COMMANDS, commands=[]))
# --8<-- [end:try]
