"""Flask's session is a signed cookie: the browser can read it, but not change it."""

import base64
import json

from dashboard_hub import log_in, make_hub


def read_session(cookie):
    """Split a session cookie into its three parts; decode the first one (JSON)."""
    payload, timestamp, signature = cookie.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return data, timestamp, signature


# --8<-- [start:read]
admin = make_hub()  # the admin's browser
log_in(admin)
session, _, _ = read_session(admin.get_cookie("session").value)
print("the admin's session:", session)
# --8<-- [end:read]

# --8<-- [start:forge]
mallory = admin.application.test_client()  # another browser, on the same hub
mallory.get("/dashboard/login")  # the form gives her a session (with a CSRF token)
session, timestamp, signature = read_session(mallory.get_cookie("session").value)
print("her session holds:", sorted(session))

session["admin"] = True  # she adds what the admin's cookie holds, keeps the signature
forged = base64.urlsafe_b64encode(json.dumps(session).encode()).decode().rstrip("=")
mallory.set_cookie("session", f"{forged}.{timestamp}.{signature}")
answer = mallory.get("/dashboard/")
print(answer.status, "->", answer.headers["Location"])
# --8<-- [end:forge]
