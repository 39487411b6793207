"""The fix for the 500: check the body first, and answer 400 with an error body.

ask_validate.py sends it three bodies."""

from flask import Flask, request

app = Flask(__name__)
readings = {}  # device id -> the list of its readings


# --8<-- [start:check]
def check_reading(body):
    """Say what is wrong with the body of a reading: a list of sentences, empty when fine."""
    problems = []
    for field in ["sensor", "value"]:
        if field not in body:
            problems.append(f"{field} is missing")
    return problems


def error_body(code, message, details=None):
    """The error envelope of the hub's contract."""
    return {"error": {"code": code, "message": message, "details": details}}


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
# --8<-- [end:check]
