"""Logging in to the dashboard: the log-in form, a wrong token, a missing CSRF token."""

from dashboard_hub import ADMIN_TOKEN, csrf_token_of, make_hub

client = make_hub()

# --8<-- [start:logged-out]
answer = client.get("/dashboard/")
print(answer.status, "->", answer.headers["Location"])
# --8<-- [end:logged-out]

# --8<-- [start:login]
form = client.get("/dashboard/login").text  # the form, with a CSRF token in it
token = csrf_token_of(form)

answer = client.post("/dashboard/login", data={"token": "guess", "csrf_token": token})
print(answer.status, "That is not the admin token." in answer.text)

answer = client.post("/dashboard/login", data={"token": ADMIN_TOKEN})  # no CSRF token
print(answer.status, "The CSRF token is missing." in answer.text)

answer = client.post("/dashboard/login", data={"token": ADMIN_TOKEN, "csrf_token": token})
print(answer.status, "->", answer.headers["Location"])
print(client.get("/dashboard/").status)
# --8<-- [end:login]
