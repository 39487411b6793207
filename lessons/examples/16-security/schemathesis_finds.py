"""schemathesis sends a mini hub the bodies its contract forbids, and finds its 500s."""

import logging

import schemathesis
from flask import Flask, request
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from werkzeug.exceptions import HTTPException

logging.getLogger("werkzeug").disabled = True

# --8<-- [start:spec]
SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "mini hub", "version": "1"},
    "paths": {"/readings": {"post": {
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object",
            "required": ["sensor", "value"],
            "properties": {"sensor": {"type": "string"}, "value": {"type": "number"}},
        }}}},
        "responses": {"201": {"description": "stored"}, "400": {"description": "refused"}},
    }}},
}
# --8<-- [end:spec]


# --8<-- [start:trusting]
def trusting_view():
    """Trusts the body: the contract says it is an object with a sensor and a number."""
    reading = request.get_json()
    return {"sensor": reading["sensor"], "value": float(reading["value"])}, 201
# --8<-- [end:trusting]


# --8<-- [start:checking]
def checking_view():
    """Checks the body first, and answers 400 for anything the contract does not allow."""
    reading = request.get_json(silent=True)
    if not isinstance(reading, dict):
        return {"error": "send a JSON object"}, 400
    if not isinstance(reading.get("sensor"), str):
        return {"error": "sensor must be text"}, 400
    value = reading.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return {"error": "value must be a number"}, 400
    return {"sensor": reading["sensor"], "value": float(value)}, 201
# --8<-- [end:checking]


def fuzz(view):
    """Send 50 bodies that break the contract; return the crashes (500s), one per kind."""
    app = Flask(__name__)
    app.add_url_rule("/readings", view_func=view, methods=["POST"])
    crashes = {}

    @app.errorhandler(Exception)
    def crashed(error):
        if isinstance(error, HTTPException):  # Flask's own 400, 405, ...: not a crash
            return error
        kind = type(error).__name__
        crashes.setdefault(kind, (str(error), request.get_data(as_text=True)[:36]))
        return {"error": "internal"}, 500

    operation = schemathesis.openapi.from_dict(SPEC)["/readings"]["POST"]

    @settings(max_examples=50, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    def send(case):
        case.call(app=app)

    send()
    return crashes


for view in [trusting_view, checking_view]:
    crashes = fuzz(view)
    print(f"{view.__name__}: {len(crashes)} kinds of crash")
    for kind, (message, body) in sorted(crashes.items()):
        print(f"  {kind}: {message}   body: {body}")
