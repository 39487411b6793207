"""A first Jinja template: variables, a loop, an if, and filters."""

from flask import Flask, render_template_string

# --8<-- [start:template]
LATEST = """\
<h1>{{ device }}</h1>
<ul>
{% for reading in readings %}
  <li>{{ reading.sensor|upper }}: {{ reading.value|round(1) }} {{ reading.unit }}
  {%- if reading.unit == "C" and reading.value > 25 %} (warm!){% endif %}</li>
{% else %}
  <li>No readings yet.</li>
{% endfor %}
</ul>
<p>{{ readings|length }} sensor(s)</p>
"""
# --8<-- [end:template]

# --8<-- [start:render]
app = Flask(__name__)
readings = [
    {"sensor": "temperature", "value": 26.04, "unit": "C"},
    {"sensor": "humidity", "value": 41.56, "unit": "%"},
]
with app.app_context():  # render_template_string needs an app, as a view has one
    print(render_template_string(LATEST, device="Kitchen", readings=readings))
    print(render_template_string(LATEST, device="Porch", readings=[]))
# --8<-- [end:render]
