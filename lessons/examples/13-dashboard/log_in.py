"""Logging in to the dashboard: the log-in form, a wrong token, a missing CSRF token."""

from dashboard_hub import ADMIN_TOKEN, csrf_token_of, make_hub, text_of

client = make_hub()

# --8<-- [start:logged-out]
answer = client.get("/dashboard/")
print(answer.status_code, answer.reason_phrase, "->", answer["Location"])
# --8<-- [end:logged-out]

# --8<-- [start:login]
form = client.get("/dashboard/login").text  # the form, with a CSRF token in it
token = csrf_token_of(form)

answer = client.post("/dashboard/login", {"token": "guess", "csrfmiddlewaretoken": token})
print(answer.status_code, answer.reason_phrase, "That is not the admin token." in answer.text)

answer = client.post("/dashboard/login", {"token": ADMIN_TOKEN})  # no CSRF token
print(answer.status_code, answer.reason_phrase, "|", text_of(answer.text, "reason"))

answer = client.post("/dashboard/login", {"token": ADMIN_TOKEN, "csrfmiddlewaretoken": token})
print(answer.status_code, answer.reason_phrase, "->", answer["Location"])
print(client.get("/dashboard/").status_code)
# --8<-- [end:login]
