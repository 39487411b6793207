"""The mistake: using the session in an app that has no SECRET_KEY."""

from flask import Flask, session

app = Flask(__name__)


@app.post("/login")
def login():
    session["admin"] = True
    return "logged in"


# --8<-- [start:mistake]
app.testing = True  # show the exception itself, not a 500 page
try:
    app.test_client().post("/login")
except RuntimeError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:mistake]
