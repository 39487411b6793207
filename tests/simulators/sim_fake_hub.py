"""A STAND-IN for the course hub, for the simulators' own tests only.

It is not the hub: it implements just enough of starter/contract/openapi.yaml for the
fleet (create and delete devices, post readings with seq idempotency, list readings), with
the contract's shapes and error envelope, so the fleet can be tested without the real
Flask or Django hub. It runs on a free loopback port in a thread and can be stopped and
started again on the same port with its data kept, like a hub whose database survives a
restart.
"""

from __future__ import annotations

import math
import re
import secrets
import threading
from datetime import UTC, datetime, timedelta

from flask import Flask, jsonify, request
from werkzeug.serving import make_server

SLUG = re.compile(r"^[a-z0-9_-]{1,64}$")


class HubData:
    """Devices and readings; survives server restarts."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.devices: dict[str, dict] = {}
        self.readings: dict[str, dict[int, dict]] = {}
        self.received_at: dict[str, dict[int, datetime]] = {}  # when each seq first came
        self.posts = 0  # reading requests answered 200/201


def _error(status: int, code: str, message: str, details: object = None):
    return jsonify({"error": {"code": code, "message": message, "details": details}}), status


def _check(reading: object) -> str | None:
    if not isinstance(reading, dict):
        return "a reading is an object"
    if not isinstance(reading.get("sensor"), str) or not SLUG.match(reading["sensor"]):
        return "sensor must be a slug"
    value = reading.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return "value must be a finite number"
    seq = reading.get("seq")
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or seq < 0):
        return "seq must be an integer >= 0"
    if "recorded_at" in reading:
        try:
            when = datetime.fromisoformat(reading["recorded_at"])
        except (TypeError, ValueError):
            return "recorded_at must be ISO 8601"
        if when.tzinfo is None:
            return "recorded_at needs an offset"
        if when > datetime.now(UTC) + timedelta(minutes=5):
            return "recorded_at is in the future"
    return None


def create_app(data: HubData, admin_token: str) -> Flask:
    """The stand-in hub's WSGI app."""
    app = Flask("sim_fake_hub")

    def is_admin() -> bool:
        return request.headers.get("Authorization") == f"Bearer {admin_token}"

    @app.post("/api/v1/devices")
    def create_device():
        if not is_admin():
            return _error(401, "unauthorized", "admin token required")
        body = request.get_json(silent=True) or {}
        if not isinstance(body.get("id"), str) or not SLUG.match(body["id"]):
            return _error(400, "validation_error", "id must be a slug")
        with data.lock:
            if body["id"] in data.devices:
                return _error(409, "conflict", "device exists")
            device = {"id": body["id"], "name": body.get("name", ""),
                      "kind": body.get("kind", ""), "api_key": secrets.token_hex(16)}
            data.devices[body["id"]] = device
            data.readings[body["id"]] = {}
        return jsonify(device), 201, {"Location": f"/api/v1/devices/{body['id']}"}

    @app.delete("/api/v1/devices/<device_id>")
    def delete_device(device_id: str):
        if not is_admin():
            return _error(401, "unauthorized", "admin token required")
        with data.lock:
            if data.devices.pop(device_id, None) is None:
                return _error(404, "not_found", "no such device")
            data.readings.pop(device_id, None)
            data.received_at.pop(device_id, None)
        return "", 204

    @app.post("/api/v1/devices/<device_id>/readings")
    def post_readings(device_id: str):
        with data.lock:
            device = data.devices.get(device_id)
            if device is None:
                return _error(404, "not_found", "no such device")
            key = request.headers.get("X-API-Key")
            if not key or not secrets.compare_digest(key, device["api_key"]):
                return _error(401, "unauthorized", "bad key")
            body = request.get_json(silent=True)
            if body is None:
                return _error(400, "malformed_json", "body is not JSON")
            items = body.get("readings") if isinstance(body, dict) and "readings" in body \
                else [body]
            if not isinstance(items, list) or not 1 <= len(items) <= 500:
                return _error(400, "validation_error", "1 to 500 readings")
            for index, item in enumerate(items):
                problem = _check(item)
                if problem:
                    return _error(400, "validation_error", problem, {"index": index})
            stored = data.readings[device_id]
            received = data.received_at.setdefault(device_id, {})
            now = datetime.now(UTC)
            new = 0
            for item in items:
                seq = item.get("seq", -len(stored) - 1)
                if seq not in stored:
                    stored[seq] = item
                    received[seq] = now
                    new += 1
            data.posts += 1
        return jsonify({"stored": new}), 201 if new else 200

    @app.get("/api/v1/devices/<device_id>/readings")
    def list_readings(device_id: str):
        with data.lock:
            if device_id not in data.devices:
                return _error(404, "not_found", "no such device")
            items = sorted(data.readings[device_id].values(),
                           key=lambda r: (r.get("recorded_at", ""), r.get("seq", 0)),
                           reverse=True)
        limit = int(request.args.get("limit", 100))
        offset = int(request.args.get("offset", 0))
        page = items[offset: offset + limit]
        more = offset + limit < len(items)
        nxt = (f"/api/v1/devices/{device_id}/readings?limit={limit}&offset={offset + limit}"
               if more else None)
        return jsonify({"readings": page, "next": nxt})

    return app


class FakeHub:
    """The stand-in hub on a loopback port; :meth:`stop` and :meth:`start` simulate an outage."""

    def __init__(self, admin_token: str = "test-admin-token") -> None:
        self.admin_token = admin_token
        self.data = HubData()
        self.app = create_app(self.data, admin_token)
        self.port = 0
        self._server = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> FakeHub:
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None
