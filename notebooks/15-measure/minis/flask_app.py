"""The health check in Flask: an app, one route."""

from flask import Flask


def make_app():
    """Make the Flask app."""
    app = Flask(__name__)

    @app.get("/api/v1/health")
    def health():
        return {"status": "ok", "framework": "flask"}

    return app
