"""The smallest Flask app that answers like the hub: GET /api/v1/health."""

from flask import Flask

app = Flask(__name__)  # the application: it holds every route


@app.get("/api/v1/health")  # a GET request for this path calls the function below
def health():
    return {"status": "ok", "framework": "flask"}  # a dictionary becomes a JSON answer
