"""Jinja habits that Django's template language refuses, and what to write instead."""

from dashboard_hub import django  # noqa: F401  (first: it sets Django up with the hub's settings)
from django.template import TemplateSyntaxError, engines

engine = engines["django"]

# --8<-- [start:mistakes]
JINJA_HABITS = [
    "{{ reading.value|round(1) }}",  # a filter's argument in brackets
    "{{ device.name.upper() }}",  # calling a method with brackets
    "{% for r in readings %}{{ r }}{% else %}none{% endfor %}",  # else in a loop
    "{{ device.last_seen_at|when }}",  # a filter of the hub, not loaded
]
for text in JINJA_HABITS:
    try:
        engine.from_string(text)
    except TemplateSyntaxError as error:
        print(f"{type(error).__name__}: {error}")
# --8<-- [end:mistakes]

# --8<-- [start:fixes]
DJANGO_WAYS = [
    "{{ reading.value|floatformat:1 }}",  # an argument after a colon
    "{{ device.name.upper }}",  # Django calls a method that takes no argument
    "{% for r in readings %}{{ r }}{% empty %}none{% endfor %}",
    "{% load dashboard %}{{ device.last_seen_at|when }}",  # hub/templatetags/dashboard.py
]
context = {"reading": {"value": 20.66}, "device": {"name": "Kitchen", "last_seen_at": None},
           "readings": []}
for text in DJANGO_WAYS:
    print(engine.from_string(text).render(context))
# --8<-- [end:fixes]
