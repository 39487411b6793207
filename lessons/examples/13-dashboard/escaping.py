"""Autoescaping: what a device sends is shown as text, never run as HTML."""

from dashboard_hub import django  # noqa: F401  (first: it sets Django up with the hub's settings)
from django.template import engines
from django.utils.html import format_html
from django.utils.safestring import mark_safe

engine = engines["django"]
name = '<script>alert("hacked")</script>'  # a device registered with this name

# --8<-- [start:escaped]
print(engine.from_string("<h1>{{ name }}</h1>").render({"name": name}))
print(format_html("<h1>{}</h1>", name))  # HTML built in Python, the safe way
# --8<-- [end:escaped]

# --8<-- [start:mistakes]
print(engine.from_string("<h1>{{ name|safe }}</h1>").render({"name": name}))  # "trust me"
off = "{% autoescape off %}<h1>{{ name }}</h1>{% endautoescape %}"
print(engine.from_string(off).render({"name": name}))
print(mark_safe(f"<h1>{name}</h1>"))  # an f-string knows nothing of HTML; mark_safe trusts it
# --8<-- [end:mistakes]
