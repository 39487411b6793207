"""``/api/v1/devices/<id>/readings``: devices post readings; anyone reads them back.

A reading may carry ``seq``, the device's own number for it. The same ``(device, seq)``
sent again is a *replay*: a retry after an answer that got lost. The hub stores it once
and answers the replay with 200 and the reading as it was first stored, instead of 201.
That is what makes a retry safe for a gateway.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, request

from .auth import check_device_key, find_device
from .checks import read_json, readings_in, refuse, utc, whole_number_arg, window_args
from .store import get_store, iso, now, public

bp = Blueprint("readings", __name__, url_prefix="/api/v1/devices/<device_id>/readings")


@bp.post("")
def post_readings(device_id: str) -> Any:
    """Store one reading or a batch: 201, or 200 when every reading was a ``seq`` replay."""
    device = check_device_key(device_id)
    received_at = now()
    items, is_batch = readings_in(read_json(), received_at)
    store = get_store()
    with store.lock:  # look up the replays and store the new readings in one step
        stored = [store_reading(device_id, item, received_at) for item in items]
        device["last_seen_at"] = iso(received_at)
    readings = [public(row) for row, _ in stored]
    created = sum(1 for _, is_new in stored if is_new)
    status = 201 if created else 200
    if not is_batch:
        return readings[0], status
    return {"readings": readings, "created": created, "replayed": len(readings) - created}, status


def store_reading(
    device_id: str, item: dict[str, Any], received_at: datetime
) -> tuple[dict[str, Any], bool]:
    """Store one checked reading, unless its seq is stored already; return it and if it is new."""
    store = get_store()
    seq = item.get("seq")
    if seq is not None and (device_id, seq) in store.by_seq:
        return store.by_seq[(device_id, seq)], False  # a replay: the first one, unchanged
    recorded_at = utc(item["recorded_at"]) if "recorded_at" in item else received_at
    row = {
        "id": store.new_id("reading"),
        "sensor": item["sensor"],
        "value": item["value"],
        "unit": item.get("unit"),
        "recorded_at": iso(recorded_at),
        "received_at": iso(received_at),
        "seq": seq,
        "device_id": device_id,
    }
    store.readings.append(row)
    if seq is not None:
        store.by_seq[(device_id, seq)] = row
    return row, True


def when(row: dict[str, Any]) -> tuple[datetime, int]:
    """What orders readings: the time it was measured, then the order it arrived."""
    return datetime.fromisoformat(row["recorded_at"]), row["id"]


def in_window(device_id: str, args: dict[str, Any]) -> list[dict[str, Any]]:
    """The device's readings with ``since <= recorded_at < until`` and the sensor, newest first."""
    found = []
    for row in get_store().readings:
        if row["device_id"] != device_id:
            continue
        recorded_at = datetime.fromisoformat(row["recorded_at"])
        if args["sensor"] is not None and row["sensor"] != args["sensor"]:
            continue
        if args["since"] is not None and recorded_at < args["since"]:
            continue
        if args["until"] is not None and recorded_at >= args["until"]:
            continue
        found.append(row)
    found.sort(key=when, reverse=True)
    return found


@bp.get("")
def list_readings(device_id: str) -> Any:
    """Readings newest first, ``limit`` at a time: ``{"readings": [...], "next": url or null}``.

    The ``cursor`` of the next page is how many readings the pages before it showed.
    """
    find_device(device_id)
    args = window_args()
    limit = whole_number_arg("limit", 100, 1, 1000)
    start = whole_number_arg("cursor", 0, 0, 10**12) if request.args.get("cursor") else 0
    found = in_window(device_id, args)
    page = found[start : start + limit]
    next_url = None
    if start + limit < len(found):
        params = {
            name: request.args[name]
            for name in ("sensor", "since", "until")
            if name in request.args
        }
        params.update(limit=limit, cursor=start + limit)
        next_url = f"{request.path}?{urlencode(params)}"
    return {"readings": [public(row) for row in page], "next": next_url}


@bp.get("/latest")
def latest_readings(device_id: str) -> Any:
    """The newest reading of each sensor, ordered by sensor: ``{"readings": [...]}``."""
    find_device(device_id)
    latest: dict[str, dict[str, Any]] = {}
    for row in get_store().readings:
        if row["device_id"] != device_id:
            continue
        newest = latest.get(row["sensor"])
        if newest is None or when(row) > when(newest):
            latest[row["sensor"]] = row
    return {"readings": [public(latest[sensor]) for sensor in sorted(latest)]}


@bp.get("/stats")
def reading_stats(device_id: str) -> Any:
    """Count, min, max and mean of one sensor in a window (``?sensor=`` is required)."""
    find_device(device_id)
    args = window_args()
    if args["sensor"] is None:
        refuse([(["query", "sensor"], "Field required")])
    found = in_window(device_id, args)
    values = [row["value"] for row in found]
    times = [datetime.fromisoformat(row["recorded_at"]) for row in found]
    return {
        "sensor": args["sensor"],
        "count": len(values),
        "min": min(values, default=None),
        "max": max(values, default=None),
        "mean": sum(values) / len(values) if values else None,
        "first_recorded_at": iso(min(times, default=None)),
        "last_recorded_at": iso(max(times, default=None)),
    }
