"""The real Django hub (starter/django) for this lesson's examples, and three small helpers.

Importing this module sets Django up with the hub's test settings and a database in memory.
make_hub() gives a test client of the hub that checks CSRF tokens as a browser's requests
are checked, with the device "kitchen" and six temperature readings. log_in() logs the
client into the dashboard as the form does. text_of() keeps the words of one element of a
page, as a browser shows them.
"""

import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "starter" / "django"))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = "sqlite://"  # a database in memory, new for every run
os.environ["HUB_ADMIN_TOKEN"] = ADMIN_TOKEN = "lesson-13-admin-token"

import django  # noqa: E402  (the lines above say where the hub is and how to set it up)

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
TEMPERATURES = [18.2, 18.9, 19.6, 20.4, 21.0, 20.7]


def make_hub():
    """A test client of the hub: device "kitchen", six readings, ten minutes apart."""
    call_command("migrate", verbosity=0)
    client = Client(enforce_csrf_checks=True)  # check CSRF tokens, as for a browser
    device = {"id": "kitchen", "name": "Kitchen", "kind": "arduino-uno"}
    answer = client.post("/api/v1/devices", device, content_type="application/json",
                         headers=ADMIN)
    readings = [{"sensor": "temperature", "value": value, "unit": "C", "seq": number,
                 "recorded_at": f"2026-01-12T07:{10 * number:02d}:00+00:00"}
                for number, value in enumerate(TEMPERATURES)]
    readings.append({"sensor": "humidity", "value": 48.0, "unit": "%", "seq": 99,
                     "recorded_at": "2026-01-12T07:50:00+00:00"})
    client.post("/api/v1/devices/kitchen/readings", {"readings": readings},
                content_type="application/json", headers={"X-API-Key": answer.json()["api_key"]})
    return client


def csrf_token_of(html):
    """The value of the form's hidden CSRF field (Django calls it csrfmiddlewaretoken)."""
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def log_in(client):
    """Log in as the form does: load it (a CSRF cookie and token), post the admin token."""
    form = client.get("/dashboard/login").text
    data = {"token": ADMIN_TOKEN, "csrfmiddlewaretoken": csrf_token_of(form)}
    return client.post("/dashboard/login", data)


class _Text(HTMLParser):
    """Collect the text inside the element with a given id, one line per block."""

    def __init__(self, element_id):
        super().__init__()
        self.element_id, self.depth, self.words = element_id, 0, [[]]

    def handle_starttag(self, tag, attrs):
        if self.depth or dict(attrs).get("id") == self.element_id:
            self.depth += tag not in ("br", "input", "meta", "img")
            if tag in ("li", "tr", "p"):
                self.words.append([])

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.words[-1].extend(data.split())


def text_of(html, element_id):
    """The words of the element with this id, one line per list item, row or paragraph."""
    parser = _Text(element_id)
    parser.feed(html)
    return "\n".join(" ".join(line) for line in parser.words if line)
