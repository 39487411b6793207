"""A first Django template: variables, a loop, an if, and filters."""

from dashboard_hub import django  # noqa: F401  (first: it sets Django up with the hub's settings)
from django.template import engines

# --8<-- [start:template]
LATEST = """\
<h1>{{ device }}</h1>
<ul>
{% for reading in readings %}
  <li>{{ reading.sensor|upper }}: {{ reading.value|floatformat:1 }} {{ reading.unit }}
    {% if reading.unit == "C" and reading.value > 25 %}(warm!){% endif %}</li>
{% empty %}
  <li>No readings yet.</li>
{% endfor %}
</ul>
<p>{{ readings|length }} sensor{{ readings|pluralize }}</p>
"""
# --8<-- [end:template]

# --8<-- [start:render]
template = engines["django"].from_string(LATEST)  # the hub's engine (settings.TEMPLATES)
readings = [
    {"sensor": "temperature", "value": 26.04, "unit": "C"},
    {"sensor": "humidity", "value": 41.56, "unit": "%"},
]
print(template.render({"device": "Kitchen", "readings": readings}))
print(template.render({"device": "Porch", "readings": []}))
# --8<-- [end:render]
