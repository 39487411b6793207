"""Django's session: the cookie holds a random key; the data stays in the hub's database."""

from dashboard_hub import log_in, make_hub
from django.contrib.sessions.models import Session

client = make_hub()
log_in(client)

# --8<-- [start:read]
key = client.cookies["sessionid"].value
print(f"the cookie: sessionid = {len(key)} random letters and digits")
row = Session.objects.get(session_key=key)  # the table django_session
print("in the database:", row.get_decoded())
# --8<-- [end:read]

# --8<-- [start:forge]
client.cookies["sessionid"] = key[:-1] + ("x" if key[-1] != "x" else "y")  # another key
answer = client.get("/dashboard/")
print(answer.status_code, "->", answer["Location"])
# --8<-- [end:forge]
