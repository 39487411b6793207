"""``/api/v1/devices/<id>/readings``: devices post readings; anyone reads them back.

Posting (stage 2): a device sends one reading or a batch of up to 500, stored all or none.
A reading may carry ``seq``, the device's own number for it; the same ``(device, seq)``
sent again is a *replay* (a retry after a lost answer), stored once and answered 200.

Reading back (stage 3), each view a plain query that the database answers from an index
declared in ``models.py``:

- the list filters a time window (:func:`in_window`), sorts newest first and pages with a
  *cursor*: the position just after the last reading shown, which stays right while new
  readings arrive (an ``OFFSET`` would shift);
- ``latest`` asks for the device's sensors, then for the newest reading of each one;
- ``stats`` asks for ``COUNT``, ``MIN``, ``MAX`` and ``AVG`` in one SELECT: one row comes
  back however many readings there are.
"""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, url_for
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from .auth import device_key_required
from .db import db, utcnow
from .models import Device, Reading, get_device_or_404, isoformat
from .schemas import (
    ReadingCreate,
    ReadingQuery,
    StatsQuery,
    Window,
    decode_cursor,
    encode_cursor,
    query_args,
    read_json,
    validate_readings,
)

bp = Blueprint("readings", __name__, url_prefix="/api/v1/devices/<slug:device_id>/readings")


# --8<-- [start:post_readings]
@bp.post("")
@device_key_required
def post_readings(device: Device) -> tuple[dict[str, Any], int]:
    """Store one reading or a batch: 201, or 200 when every reading was a ``seq`` replay.

    ``validate_readings(read_json())`` gives the readings and whether the body was a batch;
    :func:`store_readings` stores them. One reading is answered with the reading
    (``to_dict()``); a batch with ``{"readings": [...], "created": n, "replayed": m}``.
    """
    # --8<-- [end:post_readings]
    ### BEGIN SOLUTION (stage 2)
    items, is_batch = validate_readings(read_json())
    readings, created = store_readings(device, items)
    status = 201 if created else 200
    if not is_batch:
        return readings[0].to_dict(), status
    body = {
        "readings": [reading.to_dict() for reading in readings],
        "created": created,
        "replayed": len(readings) - created,
    }
    return body, status
    ### END SOLUTION


# --8<-- [start:store_readings]
def store_readings(device: Device, items: list[ReadingCreate]) -> tuple[list[Reading], int]:
    """Store the readings that are not replays; return all of them, in order, and how many are new.

    First look up, in one SELECT, the device's readings stored already under the ``seq``
    numbers of ``items``: those are replays, answered with the reading as first stored. Add
    a ``Reading`` for each other item (``recorded_at`` defaults to now, ``received_at`` is
    now) with ``db.session.add_all``, mark the device seen (``device.mark_seen(now)``), and
    commit once: all or nothing. The unique ``(device_id, seq)`` makes the database refuse
    a seq stored by a copy of this request that arrived at the same moment
    (``IntegrityError``): roll back and start again, and it is found as a replay.
    """
    # --8<-- [end:store_readings]
    ### BEGIN SOLUTION (stage 2)
    seqs = [item.seq for item in items if item.seq is not None]
    query = select(Reading).where(Reading.device_id == device.id, Reading.seq.in_(seqs))
    stored = {reading.seq: reading for reading in db.session.scalars(query)}
    now = utcnow()
    new = [
        Reading(device_id=device.id, sensor=item.sensor, value=item.value, unit=item.unit,
                recorded_at=item.recorded_at or now, received_at=now, seq=item.seq)
        for item in items
        if item.seq not in stored
    ]
    db.session.add_all(new)
    device.mark_seen(now)
    try:
        db.session.commit()
    except IntegrityError:  # a copy of this request stored one of these seqs a moment ago
        db.session.rollback()
        return store_readings(device, items)
    fresh = iter(new)  # the new readings, in the order sent, fill in between the replays
    readings = [stored[item.seq] if item.seq in stored else next(fresh) for item in items]
    return readings, len(new)
    ### END SOLUTION


# --8<-- [start:in_window]
def in_window(query: Select[Any], device_id: str, window: Window) -> Select[Any]:
    """Keep the readings of one device (and sensor) with ``since <= recorded_at < until``.

    ``since`` is inclusive and ``until`` exclusive, so back-to-back windows (10:00-11:00,
    11:00-12:00) never count a reading twice. Parameters left out do not filter.
    """
    query = query.where(Reading.device_id == device_id)
    if window.sensor is not None:
        query = query.where(Reading.sensor == window.sensor)
    if window.since is not None:
        query = query.where(Reading.recorded_at >= window.since)
    if window.until is not None:
        query = query.where(Reading.recorded_at < window.until)
    return query
# --8<-- [end:in_window]


# --8<-- [start:next_page_url]
def next_page_url(device_id: str, args: ReadingQuery, last: Reading) -> str:
    """The relative URL of the page after ``last``: the same filters, and a cursor."""
    params = {
        "sensor": args.sensor,
        "since": isoformat(args.since),
        "until": isoformat(args.until),
        "limit": args.limit,
        "cursor": encode_cursor(last.recorded_at, last.id),
    }
    kept = {name: value for name, value in params.items() if value is not None}
    return url_for("readings.list_readings", device_id=device_id, **kept)
# --8<-- [end:next_page_url]


# --8<-- [start:list_readings]
@bp.get("")
def list_readings(device_id: str) -> dict[str, Any]:
    """List readings newest first, a page at a time: ``{"readings": [...], "next": url or null}``.

    An unknown device is 404 (``get_device_or_404``). Validate the query string with
    ``query_args(ReadingQuery)`` and filter with :func:`in_window`. Sort by ``recorded_at``
    then ``id``, both descending. A ``cursor``
    (``decode_cursor``) gives the ``(recorded_at, id)`` of the last reading shown: keep the
    readings after it in that order. Ask for one reading more than ``limit``: if it comes,
    there is a next page, and :func:`next_page_url` is its URL.
    """
    # --8<-- [end:list_readings]
    ### BEGIN SOLUTION (stage 3)
    device = get_device_or_404(device_id)
    args = query_args(ReadingQuery)
    query = in_window(select(Reading), device.id, args)
    if args.cursor:  # an empty cursor means the first page
        recorded_at, reading_id = decode_cursor(args.cursor)
        query = query.where(
            or_(
                Reading.recorded_at < recorded_at,
                and_(Reading.recorded_at == recorded_at, Reading.id < reading_id),
            )
        )
    query = query.order_by(Reading.recorded_at.desc(), Reading.id.desc()).limit(args.limit + 1)
    readings = db.session.scalars(query).all()
    page = readings[: args.limit]
    more = len(readings) > args.limit
    return {
        "readings": [reading.to_dict() for reading in page],
        "next": next_page_url(device.id, args, page[-1]) if more else None,
    }
    ### END SOLUTION


# --8<-- [start:latest_readings]
@bp.get("/latest")
def latest_readings(device_id: str) -> dict[str, Any]:
    """Answer ``{"readings": [...]}``: the newest reading of each sensor, ordered by sensor.

    An unknown device is 404. Then plain queries: the device's sensor names
    (``.distinct()``; sort them), and for each one its readings newest first
    (``recorded_at``, then ``id``) with ``.limit(1)``. SQLite reads the names from the
    index on ``(device_id, sensor, recorded_at, ...)``, and finds each newest reading with
    one seek to the end of that sensor's part of it.
    """
    # --8<-- [end:latest_readings]
    ### BEGIN SOLUTION (stage 3)
    device = get_device_or_404(device_id)
    names = select(Reading.sensor).where(Reading.device_id == device.id).distinct()
    latest = []
    for sensor in sorted(db.session.scalars(names)):
        newest = (
            select(Reading)
            .where(Reading.device_id == device.id, Reading.sensor == sensor)
            .order_by(Reading.recorded_at.desc(), Reading.id.desc())
            .limit(1)
        )
        latest.append(db.session.scalars(newest).one())
    return {"readings": [reading.to_dict() for reading in latest]}
    ### END SOLUTION


# --8<-- [start:reading_stats]
@bp.get("/stats")
def reading_stats(device_id: str) -> dict[str, Any]:
    """Count, min, max and mean of one sensor's readings in a window, computed by the database.

    An unknown device is 404. Validate the query string with ``query_args(StatsQuery)``
    (``sensor`` is required) and filter with :func:`in_window`. One SELECT of
    ``func.count()``, ``func.min``, ``func.max`` and ``func.avg`` of the value, and
    ``func.min`` and ``func.max`` of ``recorded_at`` (the first and last time), gives one
    row: name its six values ``count, low, high, mean, first, last``, and the answer below
    is built from them. With no readings, count is 0 and the rest None (null in JSON).
    """
    # --8<-- [end:reading_stats]
    ### BEGIN SOLUTION (stage 3)
    device = get_device_or_404(device_id)
    args = query_args(StatsQuery)
    columns = (
        func.count(),
        func.min(Reading.value),
        func.max(Reading.value),
        func.avg(Reading.value),
        func.min(Reading.recorded_at),
        func.max(Reading.recorded_at),
    )
    query = in_window(select(*columns), device.id, args)
    count, low, high, mean, first, last = db.session.execute(query).one()
    ### END SOLUTION
    ### BEGIN SOLUTION (stage 5, addition) recompute a mean whose sum overflowed
    if count and not math.isfinite(mean):
        mean = mean_without_overflow(query, count, low, high)
    ### END SOLUTION
    return {
        "sensor": args.sensor,
        "count": count,
        "min": low,
        "max": high,
        "mean": mean,
        "first_recorded_at": isoformat(first),
        "last_recorded_at": isoformat(last),
    }


def mean_without_overflow(query: Select[Any], count: int, low: float, high: float) -> float:
    """Recompute a mean whose sum overflowed to infinity (values near 1e308).

    ``AVG`` adds the values up first: two readings of 1e308 already make infinity. The sum
    of ``value / count`` stays between the smallest and the largest value, so it cannot
    overflow. ``query`` is the stats query; its WHERE clause is kept.
    """
    scaled = query.with_only_columns(func.sum(Reading.value / count))
    mean = db.session.scalar(scaled)
    if mean is None or not math.isfinite(mean):
        return (low + high) / 2 if math.isfinite(low + high) else low / 2 + high / 2
    return min(max(mean, low), high)
