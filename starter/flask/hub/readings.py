"""``/api/v1/devices/<id>/readings``: devices post readings; anyone reads them back.

Three read views, and each one lets the database do the work:

- the list filters and sorts in SQL and pages with a *cursor* (the position after the last
  reading shown), which stays correct while new readings arrive, unlike ``OFFSET``;
- ``latest`` walks the index from sensor to sensor (a recursive CTE) and takes each one's
  newest reading: a few index seeks, however many readings there are (a window function
  ranking every reading would read them all);
- ``stats`` asks the database for ``COUNT``, ``MIN``, ``MAX`` and ``AVG``: one row comes
  back however many readings there are.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from flask import Blueprint, url_for
from sqlalchemy import Select, and_, func, insert, or_, select
from sqlalchemy.exc import IntegrityError

from .auth import DeviceKey, device_key_required, get_device_or_404, mark_seen
from .db import db, utcnow
from .models import Reading, isoformat
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

STORE_ATTEMPTS = 3
"""How often to retry storing a request that lost a race with a copy of itself."""


@bp.post("")
@device_key_required
def post_readings(device: DeviceKey) -> tuple[dict[str, Any], int]:
    """Store one reading or a batch: 201, or 200 when every reading was a ``seq`` replay."""
    ### BEGIN SOLUTION
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


def store_readings(device: DeviceKey, items: list[ReadingCreate]) -> tuple[list[Reading], int]:
    """Store the readings not stored before, all or none; return them in order and how many are new.

    Most readings are new, so the first attempt just inserts them. When the database refuses
    one because its ``(device_id, seq)`` is stored already (a replay, or a copy of this request
    that arrived at the same moment), we roll back and try again, this time looking up the
    stored readings first and inserting only the others.
    """
    ### BEGIN SOLUTION
    for attempt in range(STORE_ATTEMPTS):
        try:
            return try_store_readings(device, items, find_replays=attempt > 0)
        except IntegrityError:
            db.session.rollback()
            if attempt == STORE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
    ### END SOLUTION


def try_store_readings(
    device: DeviceKey, items: list[ReadingCreate], *, find_replays: bool
) -> tuple[list[Reading], int]:
    """Insert the new readings in one transaction, and mark the device as seen.

    The ``Reading`` objects built here never join the session: they carry the values to
    :func:`insert_readings` and back to the response.
    """
    ### BEGIN SOLUTION
    now = utcnow()
    seqs = [item.seq for item in items if item.seq is not None]
    stored = stored_by_seq(device.id, seqs) if find_replays else {}
    new = [
        Reading(
            device_id=device.id,
            sensor=item.sensor,
            value=item.value,
            unit=item.unit,
            recorded_at=item.recorded_at or now,
            received_at=now,
            seq=item.seq,
        )
        for item in items
        if item.seq not in stored
    ]
    insert_readings(new)
    mark_seen(device, now)
    db.session.commit()
    new_ones = iter(new)
    readings = [stored[item.seq] if item.seq in stored else next(new_ones) for item in items]
    return readings, len(new)
    ### END SOLUTION


def insert_readings(readings: list[Reading]) -> None:
    """Insert readings with one ``INSERT ... RETURNING id`` statement, and set their ids.

    ``db.session.add()`` would work too, but the session's unit of work (tracking each object,
    deciding what to flush, in which order) costs more than the INSERT itself when a request
    stores one small row. A Core insert on the table sends the rows straight to the database.
    """
    ### BEGIN SOLUTION
    if not readings:
        return
    table = Reading.__table__
    columns = ("device_id", "sensor", "value", "unit", "recorded_at", "received_at", "seq")
    rows = [{name: getattr(reading, name) for name in columns} for reading in readings]
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids = db.session.execute(statement, rows).scalars()
    for reading, reading_id in zip(readings, ids, strict=True):
        reading.id = reading_id
    ### END SOLUTION


def stored_by_seq(device_id: str, seqs: list[int]) -> dict[int, Reading]:
    """Return the device's readings already stored under these ``seq`` numbers."""
    ### BEGIN SOLUTION
    if not seqs:
        return {}
    query = select(Reading).where(Reading.device_id == device_id, Reading.seq.in_(seqs))
    return {reading.seq: reading for reading in db.session.scalars(query)}  # type: ignore[misc]
    ### END SOLUTION


def in_window(query: Select[Any], device_id: str, window: Window) -> Select[Any]:
    """Keep the readings of one device (and sensor) with since <= recorded_at < until."""
    ### BEGIN SOLUTION
    query = query.where(Reading.device_id == device_id)
    if window.sensor is not None:
        query = query.where(Reading.sensor == window.sensor)
    if window.since is not None:
        query = query.where(Reading.recorded_at >= window.since)
    if window.until is not None:
        query = query.where(Reading.recorded_at < window.until)
    return query
    ### END SOLUTION


@bp.get("")
def list_readings(device_id: str) -> dict[str, Any]:
    """List readings newest first, one page at a time, with the URL of the next page."""
    ### BEGIN SOLUTION
    device = get_device_or_404(device_id)
    args = query_args(ReadingQuery)
    query = in_window(select(Reading), device.id, args)
    if args.cursor:  # an empty cursor means the first page
        recorded_at, reading_id = decode_cursor(args.cursor)
        query = query.where(after_cursor(recorded_at, reading_id))
    query = query.order_by(Reading.recorded_at.desc(), Reading.id.desc()).limit(args.limit + 1)
    readings = list(db.session.scalars(query))
    page, more = readings[: args.limit], len(readings) > args.limit
    return {
        "readings": [reading.to_dict() for reading in page],
        "next": next_page_url(device.id, args, page[-1]) if more else None,
    }
    ### END SOLUTION


def after_cursor(recorded_at: datetime, reading_id: int) -> Any:
    """The condition "comes after this reading" in the order (recorded_at desc, id desc)."""
    ### BEGIN SOLUTION
    return or_(
        Reading.recorded_at < recorded_at,
        and_(Reading.recorded_at == recorded_at, Reading.id < reading_id),
    )
    ### END SOLUTION


def next_page_url(device_id: str, args: ReadingQuery, last: Reading) -> str:
    """Build the relative URL of the page after ``last``, with the same filters."""
    ### BEGIN SOLUTION
    params = {
        "sensor": args.sensor,
        "since": isoformat(args.since),
        "until": isoformat(args.until),
        "limit": args.limit,
        "cursor": encode_cursor(last.recorded_at, last.id),
    }
    kept = {name: value for name, value in params.items() if value is not None}
    return url_for("readings.list_readings", device_id=device_id, **kept)
    ### END SOLUTION


@bp.get("/latest")
def latest_readings(device_id: str) -> dict[str, Any]:
    """Return the latest reading of each sensor, ordered by sensor."""
    ### BEGIN SOLUTION
    device = get_device_or_404(device_id)
    sensors = sensor_names(device.id)
    # For each sensor, the id of its newest reading: the index (device_id, sensor, recorded_at,
    # id, ...) keeps a sensor's readings in time order, so this is one seek to its end.
    newest = (
        select(Reading.id)
        .where(Reading.device_id == device.id, Reading.sensor == sensors.c.name)
        .order_by(Reading.recorded_at.desc(), Reading.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    newest_ids = select(newest).where(sensors.c.name.is_not(None))
    query = select(Reading).where(Reading.id.in_(newest_ids)).order_by(Reading.sensor)
    return {"readings": [reading.to_dict() for reading in db.session.scalars(query)]}
    ### END SOLUTION


def sensor_names(device_id: str) -> Any:
    """A recursive CTE listing the device's sensors, one index seek per sensor.

    ``SELECT DISTINCT sensor`` would read every reading of the device. Instead we ask for the
    smallest sensor name, then for the smallest name after it, and so on: each question is
    answered by jumping in the index on (device_id, sensor, ...), so a device with a million
    readings from 4 sensors costs 5 small seeks. The last step yields NULL, which ends it.
    """
    ### BEGIN SOLUTION
    first = select(func.min(Reading.sensor).label("name")).where(Reading.device_id == device_id)
    sensors = first.cte("sensors", recursive=True)
    after = (
        select(func.min(Reading.sensor))
        .where(Reading.device_id == device_id, Reading.sensor > sensors.c.name)
        .scalar_subquery()
    )
    return sensors.union_all(select(after).where(sensors.c.name.is_not(None)))
    ### END SOLUTION


@bp.get("/stats")
def reading_stats(device_id: str) -> dict[str, Any]:
    """Count, min, max and mean of one sensor in a window, computed by the database."""
    ### BEGIN SOLUTION
    device = get_device_or_404(device_id)
    args = query_args(StatsQuery)
    # Everything is read from the index (device_id, sensor, recorded_at, id, value): SQLite
    # never touches the table. The first and last times are their own subqueries, because
    # MIN or MAX alone is one seek to an end of the index, while comparing 250,000 time
    # strings inside the aggregate would cost as much as the rest of it together.
    first = in_window(select(func.min(Reading.recorded_at)), device.id, args)
    last = in_window(select(func.max(Reading.recorded_at)), device.id, args)
    query = in_window(
        select(
            func.count(),
            func.min(Reading.value),
            func.max(Reading.value),
            func.avg(Reading.value),
            first.scalar_subquery(),
            last.scalar_subquery(),
        ),
        device.id,
        args,
    )
    count, low, high, mean, first, last = db.session.execute(query).one()
    if count and not math.isfinite(mean):
        mean = mean_without_overflow(query, count, low, high)
    return {
        "sensor": args.sensor,
        "count": count,
        "min": low,
        "max": high,
        "mean": mean,
        "first_recorded_at": isoformat(first),
        "last_recorded_at": isoformat(last),
    }
    ### END SOLUTION


def mean_without_overflow(query: Select[Any], count: int, low: float, high: float) -> float:
    """Recompute a mean whose sum overflowed (values near 1e308) as the sum of value / count."""
    ### BEGIN SOLUTION
    scaled = query.with_only_columns(func.sum(Reading.value / count))
    mean = db.session.scalar(scaled)
    if mean is None or not math.isfinite(mean):
        return (low + high) / 2 if math.isfinite(low + high) else low / 2 + high / 2
    return min(max(mean, low), high)
    ### END SOLUTION
