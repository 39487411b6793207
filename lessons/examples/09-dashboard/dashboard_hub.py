"""The real Flask hub (starter/flask) for this lesson's examples, and two small helpers.

make_hub() gives a test client of the hub with a database in memory, the device "kitchen"
and six temperature readings. log_in() logs the client into the dashboard as the form
does. text_of() keeps the words of one element of a page, as a browser shows them.
"""

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "starter" / "flask"))

from hub import create_app  # noqa: E402  (the line above makes the hub importable)

ADMIN_TOKEN = "lesson-9-admin-token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
TEMPERATURES = [18.2, 18.9, 19.6, 20.4, 21.0, 20.7]


def make_hub():
    """A test client of the hub: device "kitchen", six readings, ten minutes apart."""
    app = create_app({"DATABASE_URL": "sqlite://", "HUB_ADMIN_TOKEN": ADMIN_TOKEN})
    client = app.test_client()
    device = {"id": "kitchen", "name": "Kitchen", "kind": "arduino-uno"}
    key = client.post("/api/v1/devices", json=device, headers=ADMIN).get_json()["api_key"]
    readings = [{"sensor": "temperature", "value": value, "unit": "C", "seq": number,
                 "recorded_at": f"2026-01-12T07:{10 * number:02d}:00+00:00"}
                for number, value in enumerate(TEMPERATURES)]
    readings.append({"sensor": "humidity", "value": 48.0, "unit": "%", "seq": 99,
                     "recorded_at": "2026-01-12T07:50:00+00:00"})
    client.post("/api/v1/devices/kitchen/readings", json={"readings": readings},
                headers={"X-API-Key": key})
    return client


def csrf_token_of(html):
    """The value of the form's hidden csrf_token field."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def log_in(client):
    """Log in as the form does: load it (a session and its CSRF token), post the token."""
    form = client.get("/dashboard/login").text
    data = {"token": ADMIN_TOKEN, "csrf_token": csrf_token_of(form)}
    return client.post("/dashboard/login", data=data)


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
