"""A small hub for this notebook: the few endpoints of the course's hub that lesson 3 uses.

It answers like the hub you build in the project: the same paths, the same JSON, the same
error envelope ``{"error": {"code", "message", "details"}}``. It keeps everything in
dictionaries, so it forgets everything when it stops. You write a Flask app like this one in
lesson 4; for now you only call it::

    import httpx
    from minihub import ADMIN_TOKEN, running_hub

    with running_hub() as url:                      # the hub starts here ...
        with httpx.Client(base_url=url) as client:
            print(client.get("/api/v1/health").json())
                                                    # ... and stops here

What it serves (the project's hub has more; see the contract, ``openapi.yaml``):

    GET    /api/v1/health
    POST   /api/v1/devices                          admin token
    GET    /api/v1/devices
    GET    /api/v1/devices/<id>
    DELETE /api/v1/devices/<id>                     admin token
    POST   /api/v1/devices/<id>/readings            the device's key (one reading at a time)
    GET    /api/v1/devices/<id>/readings            newest first, ``?sensor=`` to filter
    GET    /api/v1/devices/<id>/readings/latest     the latest reading of each sensor
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import re
import secrets
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.serving import WSGIRequestHandler, make_server

__all__ = ["ADMIN_TOKEN", "create_app", "running_hub"]

ADMIN_TOKEN = "notebook-admin-token"
"""The admin token of the hub that :func:`running_hub` starts."""

SLUG = re.compile(r"[a-z0-9_-]{1,64}")
SLUG_MESSAGE = "String should match pattern '^[a-z0-9_-]{1,64}$'"

CODES = {
    400: "validation_error",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
}
"""The envelope's ``code`` for each status, when Flask raises the error itself (404, 405)."""


class APIError(Exception):
    """An error the hub answers with the envelope: ``raise APIError(409, "conflict", "...")``."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


@contextlib.contextmanager
def running_hub(admin_token: str = ADMIN_TOKEN, *, verbose: bool = False) -> Iterator[str]:
    """Serve a fresh hub on 127.0.0.1, on a port that is free; yield its URL; stop it after.

    ``verbose=True`` prints one line for each request the hub answers, so you see both sides.
    """
    app = create_app(admin_token, verbose=verbose)
    # Port 0 asks the system for any free port; server.port says which one it gave.
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="minihub", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's request handler, without its log line (with the date) for every request."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


def create_app(admin_token: str = ADMIN_TOKEN, *, verbose: bool = False) -> Flask:
    """The hub as a Flask app, with empty dictionaries for its devices, keys and readings."""
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep fields in this order
    devices: dict[str, dict[str, Any]] = {}
    keys: dict[str, str] = {}  # api_key -> device id
    readings: list[dict[str, Any]] = []  # each with its "device_id"
    reading_ids = itertools.count(1)

    def check_admin_token() -> None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise APIError(
                401, "unauthorized", "Send the admin token as 'Authorization: Bearer <token>'."
            )
        if not secrets.compare_digest(token, admin_token):
            raise APIError(401, "unauthorized", "The admin token is wrong.")

    def find_device(device_id: str) -> dict[str, Any]:
        if device_id not in devices:
            raise APIError(404, "not_found", f"There is no device {device_id!r}.")
        return devices[device_id]

    def check_device_key(device_id: str) -> dict[str, Any]:
        device = find_device(device_id)
        key = request.headers.get("X-API-Key", "")
        if not key:
            raise APIError(401, "unauthorized", "Send the device's key in the X-API-Key header.")
        owner = keys.get(key)
        if owner is None:
            raise APIError(401, "unauthorized", "This API key belongs to no device.")
        if owner != device_id:
            raise APIError(
                403, "forbidden", f"This API key belongs to another device, not {device_id!r}."
            )
        return device

    @app.get("/api/v1/health")
    def health() -> Any:
        return {"status": "ok", "framework": "flask"}

    @app.post("/api/v1/devices")
    def create_device() -> Any:
        check_admin_token()
        data = read_object(required=("id", "name", "kind"), optional=())
        problems = []
        if not isinstance(data["id"], str) or not SLUG.fullmatch(data["id"]):
            problems.append(("id", SLUG_MESSAGE))
        for field, longest in (("name", 100), ("kind", 32)):
            value = data[field]
            if not isinstance(value, str) or not value.strip() or len(value) > longest:
                problems.append((field, f"Should be text of 1 to {longest} characters"))
        refuse(problems)
        if data["id"] in devices:
            raise APIError(409, "conflict", f"A device with id {data['id']!r} exists already.")
        device = {
            "id": data["id"],
            "name": data["name"],
            "kind": data["kind"],
            "created_at": now(),
            "last_seen_at": None,
        }
        devices[device["id"]] = device
        api_key = secrets.token_urlsafe(32)
        keys[api_key] = device["id"]
        location = f"/api/v1/devices/{device['id']}"
        return {**device, "api_key": api_key}, 201, {"Location": location}

    @app.get("/api/v1/devices")
    def list_devices() -> Any:
        return {"devices": [devices[device_id] for device_id in sorted(devices)]}

    @app.get("/api/v1/devices/<device_id>")
    def get_device(device_id: str) -> Any:
        return find_device(device_id)

    @app.delete("/api/v1/devices/<device_id>")
    def delete_device(device_id: str) -> Any:
        check_admin_token()
        find_device(device_id)
        del devices[device_id]
        for key in [key for key, owner in keys.items() if owner == device_id]:
            del keys[key]
        readings[:] = [r for r in readings if r["device_id"] != device_id]
        return "", 204

    @app.post("/api/v1/devices/<device_id>/readings")
    def post_reading(device_id: str) -> Any:
        device = check_device_key(device_id)
        data = read_object(required=("sensor", "value"), optional=("unit", "recorded_at", "seq"))
        refuse(reading_problems(data))
        received_at = now()
        recorded_at = utc(data["recorded_at"]) if "recorded_at" in data else received_at
        reading = {
            "id": next(reading_ids),
            "sensor": data["sensor"],
            "value": data["value"],
            "unit": data.get("unit"),
            "recorded_at": recorded_at,
            "received_at": received_at,
            "seq": data.get("seq"),
        }
        readings.append({**reading, "device_id": device_id})
        device["last_seen_at"] = received_at
        return reading, 201

    @app.get("/api/v1/devices/<device_id>/readings")
    def list_readings(device_id: str) -> Any:
        find_device(device_id)
        sensor = request.args.get("sensor")
        found = [
            public(r)
            for r in readings
            if r["device_id"] == device_id and (sensor is None or r["sensor"] == sensor)
        ]
        found.sort(key=when, reverse=True)  # newest first
        return {"readings": found, "next": None}

    @app.get("/api/v1/devices/<device_id>/readings/latest")
    def latest_readings(device_id: str) -> Any:
        find_device(device_id)
        latest: dict[str, dict[str, Any]] = {}
        for reading in readings:
            if reading["device_id"] != device_id:
                continue
            newest = latest.get(reading["sensor"])
            if newest is None or when(reading) > when(newest):
                latest[reading["sensor"]] = reading
        return {"readings": [public(latest[sensor]) for sensor in sorted(latest)]}

    @app.errorhandler(APIError)
    def answer_api_error(error: APIError) -> Response:
        return envelope(error.status, error.code, error.message, error.details)

    @app.errorhandler(HTTPException)
    def answer_http_exception(error: HTTPException) -> Response:
        status = error.code or 500
        return envelope(status, CODES.get(status, "bad_request"), str(error.description))

    if verbose:

        @app.after_request
        def say_what_happened(response: Response) -> Response:
            path = request.full_path.rstrip("?")
            print(f"    [hub] {request.method} {path} -> {response.status_code}")
            return response

    return app


def envelope(status: int, code: str, message: str, details: Any = None) -> Response:
    """A JSON answer holding the error envelope."""
    response = jsonify({"error": {"code": code, "message": message, "details": details}})
    response.status_code = status
    return response


def read_object(*, required: tuple[str, ...], optional: tuple[str, ...]) -> dict[str, Any]:
    """The request's JSON body, which must be an object with these fields and no others."""
    if not request.is_json:
        raise APIError(
            415,
            "unsupported_media_type",
            "Send the body as JSON with the header Content-Type: application/json.",
        )
    try:
        data = json.loads(request.get_data().decode("utf-8"))
    except ValueError as error:
        raise APIError(400, "malformed_json", f"The body is not valid JSON: {error}.") from None
    if not isinstance(data, dict):
        refuse([("body", "Input should be a JSON object")])
    problems = [(field, "Field required") for field in required if field not in data]
    problems += [
        (field, "Extra inputs are not permitted")
        for field in data
        if field not in required + optional
    ]
    refuse(problems)
    return data


def reading_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    """What is wrong with one reading: a slug sensor, a finite number, text unit, a time."""
    problems = []
    if not isinstance(data["sensor"], str) or not SLUG.fullmatch(data["sensor"]):
        problems.append(("sensor", SLUG_MESSAGE))
    value = data["value"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append(("value", "Input should be a valid number"))
    unit = data.get("unit")
    if unit is not None and (not isinstance(unit, str) or len(unit) > 16):
        problems.append(("unit", "Should be text of at most 16 characters, or null"))
    if "recorded_at" in data and utc(data["recorded_at"]) is None:
        problems.append(("recorded_at", "Should be an ISO 8601 time with an offset"))
    seq = data.get("seq")
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or seq < 0):
        problems.append(("seq", "Should be a whole number, 0 or more"))
    return problems


def refuse(problems: list[tuple[str, str]]) -> None:
    """Raise a 400 ``validation_error`` naming every problem, if there is any."""
    if not problems:
        return
    field, msg = problems[0]
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    details = {"fields": [{"loc": [loc], "msg": text} for loc, text in problems]}
    raise APIError(400, "validation_error", f"Invalid {field}: {msg}{more}.", details)


def utc(text: Any) -> str | None:
    """An ISO 8601 time with an offset, written in UTC; None when it is not one."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC).isoformat()


def when(reading: dict[str, Any]) -> tuple[datetime, int]:
    """What orders readings: the time it was measured, then the order it arrived."""
    return datetime.fromisoformat(reading["recorded_at"]), reading["id"]


def now() -> str:
    """The time now, in UTC, as ISO 8601."""
    return datetime.now(UTC).isoformat()


def public(reading: dict[str, Any]) -> dict[str, Any]:
    """A stored reading as the API shows it (without the device it belongs to)."""
    return {name: value for name, value in reading.items() if name != "device_id"}
