"""A miniature hub: a health check, and readings posted to and read from a dictionary.

create_app() makes a new app each time, with its own, empty dictionary: every test starts
from nothing. fresh_apps.py shows it; test_mini_hub.py tests it the way the hub is tested.
"""

from flask import Flask, request
from werkzeug.exceptions import HTTPException


def error_body(code, message, details=None):
    """The error envelope of the hub's contract."""
    return {"error": {"code": code, "message": message, "details": details}}


def check_reading(body):
    """Say what is wrong with the body of a reading: a list of sentences, empty when fine."""
    if not isinstance(body, dict):
        return ['the body must be a JSON object, such as {"sensor": "temperature", "value": 21.5}']
    problems = []
    for field in ["sensor", "value"]:
        if field not in body:
            problems.append(f"{field} is missing")
    return problems


# --8<-- [start:factory]
def create_app():
    """Make a new app, with its own, empty store of readings."""
    app = Flask(__name__)
    readings = {}  # device id -> the list of its readings: a new one for every app

    @app.get("/api/v1/health")
    def health():
        return {"status": "ok", "framework": "flask"}

    @app.post("/api/v1/devices/<device_id>/readings")
    def post_reading(device_id):
        body = request.json
        problems = check_reading(body)
        if problems:
            return error_body("validation_error", "The reading is not valid.", problems), 400
        reading = {"device_id": device_id, "sensor": body["sensor"], "value": body["value"]}
        if device_id not in readings:
            readings[device_id] = []
        readings[device_id].append(reading)
        return reading, 201

    @app.get("/api/v1/devices/<device_id>/readings")
    def get_readings(device_id):
        if device_id not in readings:
            return error_body("not_found", f"No readings from device {device_id!r}."), 404
        return {"readings": readings[device_id]}

    @app.errorhandler(HTTPException)
    def handle_http_exception(error):
        code = error.name.lower().replace(" ", "_")
        return error_body(code, error.description), error.code

    return app
# --8<-- [end:factory]
