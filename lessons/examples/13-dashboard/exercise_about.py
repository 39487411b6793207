"""Exercise 2: a page of your own that extends the dashboard's layout."""

import re

from dashboard_hub import django  # noqa: F401  (first: it sets Django up with the hub's settings)
from django.template import engines
from hub.dashboard.forms import BUTTONS

# --8<-- [start:solution]
ABOUT = """\
{% extends "dashboard/base.html" %}
{% block title %}About{% endblock %}
{% block content %}
  <h1>About this hub</h1>
  <ul id="buttons">
    {% for name, value, label in buttons %}
      <li>{{ label }} sends <code>{{ name }} {{ value }}</code></li>
    {% endfor %}
  </ul>
  <p><a href="{% url 'dashboard:index' %}">Back to the devices</a></p>
{% endblock %}
"""
page = engines["django"].from_string(ABOUT).render({"buttons": BUTTONS})
print(re.search(r"<title>.*</title>", page).group(0))
print(re.findall(r'<a href="[^"]*">[^<]*</a>', page))
print(len(re.findall(r"<li>", page)), "buttons")
# --8<-- [end:solution]
