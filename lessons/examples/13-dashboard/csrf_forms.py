"""A dashboard form needs its CSRF token; the JSON API, which uses headers, does not."""

import re

from dashboard_hub import ADMIN, csrf_token_of, log_in, make_hub, text_of
from django.test import Client

NOW = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC")  # the time of the run

client = make_hub()
log_in(client)
page = client.get("/dashboard/devices/kitchen").text
url = "/dashboard/devices/kitchen/commands"

# --8<-- [start:refused]
answer = client.post(url, {"command": "heater on"})  # what another site's form sends
print(answer.status_code, "|", text_of(answer.text, "reason"))

answer = client.post(url, {"command": "heater on", "csrfmiddlewaretoken": "made-up"})
print(answer.status_code, "|", text_of(answer.text, "reason"))

answer = client.post(url, {"command": "heater on", "csrfmiddlewaretoken": csrf_token_of(page)},
                     headers={"Origin": "http://evil.example"})  # a browser names the page
print(answer.status_code, "|", text_of(answer.text, "reason"))
# --8<-- [end:refused]

# --8<-- [start:accepted]
answer = client.post(url, {"command": "heater on", "csrfmiddlewaretoken": csrf_token_of(page)})
print(answer.status_code, "->", answer["Location"])
page = client.get(answer["Location"]).text
print(text_of(page, "flash"))
print(NOW.sub("<now>", text_of(page, "commands")))
# --8<-- [end:accepted]

# --8<-- [start:api]
answer = client.post("/api/v1/devices/kitchen/commands", {"name": "lamp", "value": "on"},
                     content_type="application/json", headers=ADMIN)
print(answer.status_code, answer.json()["status"])
# --8<-- [end:api]

# --8<-- [start:test-client]
lenient = Client()  # Django's test client skips CSRF checks unless told otherwise
lenient.cookies = client.cookies  # the same logged-in browser
answer = lenient.post(url, {"command": "lamp off"})  # no token at all
print(answer.status_code, "->", answer["Location"], "(no CSRF check!)")
# --8<-- [end:test-client]
