"""Exercise 3: log in to the dashboard from a script, then press "Lamp on"."""

import re

from dashboard_hub import ADMIN_TOKEN, make_hub, text_of

client = make_hub()  # a test client of the hub that checks CSRF tokens, as in the lesson
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# --8<-- [start:solution]
form = client.get("/dashboard/login").text
token = CSRF.search(form).group(1)
answer = client.post("/dashboard/login", {"token": ADMIN_TOKEN, "csrfmiddlewaretoken": token})
print(answer.status_code, "->", answer["Location"])

url = "/dashboard/devices/kitchen/commands"
answer = client.post(url, {"command": "lamp on", "csrfmiddlewaretoken": token})  # the old token
print(answer.status_code, "|", text_of(answer.text, "reason"))

page = client.get("/dashboard/devices/kitchen").text  # a token that goes with the new cookie
answer = client.post(url, {"command": "lamp on", "csrfmiddlewaretoken": CSRF.search(page).group(1)},
                     follow=True)
print(answer.status_code, "|", text_of(answer.text, "flash"))
# --8<-- [end:solution]
