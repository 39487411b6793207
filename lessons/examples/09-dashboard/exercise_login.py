"""Exercise 2: log in to the dashboard from a script, then press "Lamp on"."""

import re

from dashboard_hub import ADMIN_TOKEN, make_hub, text_of

client = make_hub()  # a test client of the hub, as in the lesson
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

# --8<-- [start:solution]
form = client.get("/dashboard/login").text
token = CSRF.search(form).group(1)
answer = client.post("/dashboard/login", data={"token": ADMIN_TOKEN, "csrf_token": token})
print(answer.status, "->", answer.headers["Location"])

url = "/dashboard/devices/kitchen/commands"
answer = client.post(url, data={"command": "lamp on", "csrf_token": token})  # the old token
print(answer.status, "|", text_of(answer.text, "reason"))

page = client.get("/dashboard/devices/kitchen").text  # the new session's token
answer = client.post(url, data={"command": "lamp on", "csrf_token": CSRF.search(page).group(1)},
                     follow_redirects=True)
print(answer.status, "|", text_of(answer.text, "flash"))
# --8<-- [end:solution]
