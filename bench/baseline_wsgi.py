"""The ingestion baseline: the hub's reading POST done with the least code possible.

A bare WSGI function and `sqlite3`, no framework, no ORM. It does the same work as the
hubs for `POST /api/v1/devices/<id>/readings`: parse the JSON body, check the device's
`X-API-Key` against the stored SHA-256 hash in constant time, validate each reading
(sensor slug, finite number that is not a bool, unit, seq, recorded_at with an offset),
insert the rows in one transaction (a `(device, seq)` replay is stored once), update the
device's `last_seen_at` and answer 201 with the stored readings. Anything else is 404.

Serve it with `gunicorn bench.baseline_wsgi:app` and `BASELINE_DB=/path/to.db`; create the
database first with `python -m bench.baseline_wsgi init PATH DEVICE_ID API_KEY`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import re
import sqlite3
import sys
from datetime import UTC, datetime, timedelta

SCHEMA = """
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY, key_hash TEXT NOT NULL, last_seen_at TEXT
);
CREATE TABLE IF NOT EXISTS readings (
    id INTEGER PRIMARY KEY, device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    sensor TEXT NOT NULL, value REAL NOT NULL, unit TEXT, recorded_at TEXT NOT NULL,
    received_at TEXT NOT NULL, seq INTEGER, UNIQUE (device_id, seq)
);
CREATE INDEX IF NOT EXISTS readings_device_sensor_time
    ON readings (device_id, sensor, recorded_at);
"""
PATH = re.compile(r"^/api/v1/devices/([a-z0-9_-]{1,64})/readings$")
SLUG = re.compile(r"^[a-z0-9_-]{1,64}$")
INSERT = (
    "INSERT INTO readings (device_id, sensor, value, unit, recorded_at, received_at, seq)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, seq) DO NOTHING"
)
MAX_BODY_BYTES = 1_048_576
_connection: sqlite3.Connection | None = None


class BadRequest(ValueError):
    """The client sent something the contract refuses; becomes a 4xx error envelope."""

    def __init__(self, status: str, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


def get_db() -> sqlite3.Connection:
    """Open this worker's connection on first use (one per process, WAL)."""
    global _connection
    if _connection is None:
        _connection = sqlite3.connect(os.environ["BASELINE_DB"], isolation_level=None)
        _connection.execute("PRAGMA journal_mode=WAL")
        _connection.execute("PRAGMA busy_timeout=5000")
    return _connection


def hash_key(api_key: str) -> str:
    """The stored form of an API key."""
    return hashlib.sha256(api_key.encode()).hexdigest()


def parse_time(raw: object, now: datetime) -> str:
    """Validate `recorded_at` (ISO 8601 with an offset, not far in the future)."""
    if raw is None:
        return now.isoformat()
    if not isinstance(raw, str):
        raise BadRequest("400 Bad Request", "validation_error", "recorded_at must be a string")
    try:
        when = datetime.fromisoformat(raw)
    except ValueError as err:
        raise BadRequest("400 Bad Request", "validation_error", str(err)) from None
    if when.tzinfo is None or when > now + timedelta(minutes=5):
        raise BadRequest("400 Bad Request", "validation_error", "bad recorded_at")
    return when.astimezone(UTC).isoformat()


def validate(item: object, device_id: str, now: datetime) -> tuple:
    """Check one reading and return its row."""
    if not isinstance(item, dict) or not set(item) <= {
        "sensor",
        "value",
        "unit",
        "recorded_at",
        "seq",
    }:
        raise BadRequest("400 Bad Request", "validation_error", "a reading is an object")
    sensor, value = item.get("sensor"), item.get("value")
    unit, seq = item.get("unit"), item.get("seq")
    if not isinstance(sensor, str) or not SLUG.match(sensor):
        raise BadRequest("400 Bad Request", "validation_error", "sensor must be a slug")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BadRequest("400 Bad Request", "validation_error", "value must be a finite number")
    if unit is not None and (not isinstance(unit, str) or len(unit) > 16):
        raise BadRequest("400 Bad Request", "validation_error", "unit is a short string")
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or seq < 0):
        raise BadRequest("400 Bad Request", "validation_error", "seq is an integer >= 0")
    recorded = parse_time(item.get("recorded_at"), now)
    return (device_id, sensor, float(value), unit, recorded, now.isoformat(), seq)


def authorize(db: sqlite3.Connection, device_id: str, api_key: str | None) -> None:
    """404 for an unknown device, 401 for a missing or wrong key."""
    row = db.execute("SELECT key_hash FROM devices WHERE id = ?", (device_id,)).fetchone()
    if row is None:
        raise BadRequest("404 Not Found", "not_found", "no such device")
    if not api_key or not hmac.compare_digest(row[0], hash_key(api_key)):
        raise BadRequest("401 Unauthorized", "unauthorized", "missing or wrong X-API-Key")


def store(db: sqlite3.Connection, rows: list[tuple]) -> tuple[list[dict], int]:
    """Insert the rows in one transaction; return them as stored and how many were new."""
    stored, created = [], 0
    db.execute("BEGIN IMMEDIATE")
    try:
        for row in rows:
            cursor = db.execute(INSERT, row)
            if cursor.rowcount:
                created += 1
                stored.append(reading_json(cursor.lastrowid, row))
            else:
                stored.append(stored_reading(db, row[0], row[6]))
        db.execute("UPDATE devices SET last_seen_at = ? WHERE id = ?", (rows[0][5], rows[0][0]))
        db.execute("COMMIT")
    except sqlite3.Error:
        db.execute("ROLLBACK")
        raise
    return stored, created


def reading_json(row_id: int | None, row: tuple) -> dict:
    """A stored reading as the contract shows it."""
    keys = ("sensor", "value", "unit", "recorded_at", "received_at", "seq")
    return {"id": row_id, **dict(zip(keys, row[1:], strict=True))}


def stored_reading(db: sqlite3.Connection, device_id: str, seq: int) -> dict:
    """The reading first stored for a replayed `(device, seq)`."""
    row = db.execute(
        "SELECT id, device_id, sensor, value, unit, recorded_at, received_at, seq FROM readings"
        " WHERE device_id = ? AND seq = ?",
        (device_id, seq),
    ).fetchone()
    return reading_json(row[0], row[1:])


# --8<-- [start:handle]
def handle(environ: dict) -> tuple[str, object]:
    """Route, authorize, validate and store; return the status and the JSON answer."""
    match = PATH.match(environ.get("PATH_INFO", ""))
    if not match or environ["REQUEST_METHOD"] != "POST":
        raise BadRequest("404 Not Found", "not_found", "only reading POSTs live here")
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length > MAX_BODY_BYTES:
        raise BadRequest("413 Content Too Large", "payload_too_large", "the body is too large")
    db = get_db()
    authorize(db, match[1], environ.get("HTTP_X_API_KEY"))
    if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
        raise BadRequest("415 Unsupported Media Type", "unsupported_media_type", "send JSON")
    try:
        body = json.loads(environ["wsgi.input"].read(length))
    except ValueError:
        raise BadRequest("400 Bad Request", "malformed_json", "the body is not JSON") from None
    now = datetime.now(UTC)
    batch = isinstance(body, dict) and "readings" in body
    items = body["readings"] if batch else [body]
    if not isinstance(items, list) or not 1 <= len(items) <= 500:
        raise BadRequest("400 Bad Request", "validation_error", "1 to 500 readings")
    stored, created = store(db, [validate(item, match[1], now) for item in items])
    status = "201 Created" if created else "200 OK"
    if batch:
        return status, {"readings": stored, "created": created, "replayed": len(items) - created}
    return status, stored[0]


# --8<-- [end:handle]


def app(environ: dict, start_response) -> list[bytes]:
    """The WSGI entry point."""
    try:
        status, answer = handle(environ)
    except BadRequest as err:
        status = err.status
        answer = {"error": {"code": err.code, "message": str(err), "details": None}}
    body = json.dumps(answer).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def init_db(path: str, device_id: str, api_key: str) -> None:
    """Create the schema in WAL mode and one device with its hashed key."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(SCHEMA)
        db.execute(
            "INSERT INTO devices (id, key_hash) VALUES (?, ?)", (device_id, hash_key(api_key))
        )
    db.close()


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] != "init":
        sys.exit("usage: python -m bench.baseline_wsgi init DB_PATH DEVICE_ID API_KEY")
    init_db(*sys.argv[2:])
