"""A dashboard form needs its CSRF token; the JSON API, which uses headers, does not."""

import re

from dashboard_hub import ADMIN, csrf_token_of, log_in, make_hub, text_of

NOW = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC")  # the time of the run

client = make_hub()
log_in(client)
page = client.get("/dashboard/devices/kitchen").text
url = "/dashboard/devices/kitchen/commands"

# --8<-- [start:refused]
answer = client.post(url, data={"command": "heater on"})  # what another site's form sends
print(answer.status, "|", text_of(answer.text, "reason"))

answer = client.post(url, data={"command": "heater on", "csrf_token": "made-up"})
print(answer.status, "|", text_of(answer.text, "reason"))
# --8<-- [end:refused]

# --8<-- [start:accepted]
answer = client.post(url, data={"command": "heater on", "csrf_token": csrf_token_of(page)})
print(answer.status, "->", answer.headers["Location"])
page = client.get(answer.headers["Location"]).text
print(text_of(page, "flash"))
print(NOW.sub("<now>", text_of(page, "commands")))
# --8<-- [end:accepted]

# --8<-- [start:api]
answer = client.post("/api/v1/devices/kitchen/commands", headers=ADMIN,
                     json={"name": "lamp", "value": "on"})
print(answer.status, answer.get_json()["status"])
# --8<-- [end:api]
