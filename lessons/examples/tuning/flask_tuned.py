"""The Flask hub's hot paths, tuned: the "after" of the lesson 'Flask vs Django, measured'.

The reference hub (``starter/flask``) is written the way you write it in the project: plain
Flask-SQLAlchemy, one idea per function. These are the same jobs done the way a
performance engineer would, each with the measurement that paid for it. They give the same
answers as the hub's views (``tests/test_tuning_flask.py`` checks that on a small data set)
and run inside the Flask hub's app context, with its models::

    import sys; sys.path.insert(0, "starter/flask")
    from hub import create_app
    app = create_app()
    with app.app_context():
        latest = latest_readings_tuned("kitchen")

============================  ===========================================================
before (``starter/flask``)    after (this file)
============================  ===========================================================
``get_device_or_404`` loads   :func:`load_device_key` reads three columns with a Core
a whole ``Device`` object     query: about half the cost, on every request a device makes
``device.mark_seen(now)``     :func:`mark_seen` does the same (at most once a second)
through the session           with one Core UPDATE, outside the session's unit of work
``store_readings``: SELECT    :func:`store_readings_tuned` inserts first with one
the replays, ``add_all``,     ``INSERT ... RETURNING id`` (no unit of work); only when the
commit                        database refuses a replayed seq does it look the replays up
``SELECT DISTINCT sensor``,   :func:`latest_readings_tuned`: a recursive CTE hops from
then the newest of each       sensor to sensor in the index, a few seeks in all
COUNT, MIN, MAX, AVG and      :func:`reading_stats_tuned`: the first and last time as their
MIN/MAX of the time in one    own subqueries, each one seek to an end of the index
SELECT
============================  ===========================================================
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from hub.db import db, utcnow
from hub.errors import APIError
from hub.models import Device, Reading, isoformat
from hub.readings import in_window, mean_without_overflow
from hub.schemas import ReadingCreate, StatsQuery
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

SEEN_PRECISION = timedelta(seconds=1)
"""A device's ``last_seen_at`` is written at most once a second."""

STORE_ATTEMPTS = 3
"""How often to retry storing a request that lost a race with a copy of itself."""


class DeviceKey(NamedTuple):
    """What a device's own requests need of it: its id, its key's hash, when it was last seen."""

    id: str
    key_hash: str
    last_seen_at: datetime | None


def load_device_key(device_id: str) -> DeviceKey:
    """Load the id, key hash and ``last_seen_at`` of a device, or raise 404.

    Every request a device makes starts here, so it reads three columns of the table with a
    Core ``select`` and gets a plain row back: no ``Device`` object is built, tracked by the
    session's identity map, or checked for changes at commit. Measured, that is about half
    the cost of ``db.session.get(Device, device_id)``.
    """
    devices = Device.__table__
    query = select(devices.c.id, devices.c.key_hash, devices.c.last_seen_at)
    row = db.session.execute(query.where(devices.c.id == device_id)).one_or_none()
    if row is None:
        raise APIError(404, "not_found", f"There is no device {device_id!r}.")
    return DeviceKey(*row)


def mark_seen(device: DeviceKey, now: datetime) -> None:
    """Set the device's ``last_seen_at``, unless it was set less than a second ago.

    A device posting many readings a second would otherwise rewrite its row on every one of
    them, holding SQLite's single write lock longer; to the second is precise enough. The
    caller commits (with the rest of its transaction).
    """
    if device.last_seen_at is not None and now - device.last_seen_at < SEEN_PRECISION:
        return
    devices = Device.__table__
    db.session.execute(update(devices).where(devices.c.id == device.id).values(last_seen_at=now))


def store_readings_tuned(
    device: DeviceKey, items: list[ReadingCreate]
) -> tuple[list[Reading], int]:
    """Store the readings not stored before, all or none; return them all, and how many are new.

    Most readings are new, so the first attempt inserts them all without looking for
    replays: the SELECT the plain version always makes is saved. When the database refuses
    one because its ``(device_id, seq)`` is stored already (a replay, or a copy of this
    request that arrived at the same moment), it rolls back and tries again, this time
    looking the stored readings up first and inserting only the others.
    """
    for attempt in range(STORE_ATTEMPTS):
        try:
            return _try_store(device, items, find_replays=attempt > 0)
        except IntegrityError:
            db.session.rollback()
            if attempt == STORE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _try_store(
    device: DeviceKey, items: list[ReadingCreate], *, find_replays: bool
) -> tuple[list[Reading], int]:
    """Insert the new readings in one transaction, and mark the device as seen.

    The ``Reading`` objects built here never join the session: they carry the values to
    :func:`insert_readings` and back to the answer.
    """
    now = utcnow()
    seqs = [item.seq for item in items if item.seq is not None]
    stored = _stored_by_seq(device.id, seqs) if find_replays else {}
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
    fresh = iter(new)
    readings = [stored[item.seq] if item.seq in stored else next(fresh) for item in items]
    return readings, len(new)


def insert_readings(readings: list[Reading]) -> None:
    """Insert readings with one ``INSERT ... RETURNING id`` statement, and set their ids.

    ``db.session.add_all()`` works too, but the session's unit of work (tracking each
    object, deciding what to flush and in which order) costs more than the INSERT itself
    when a request stores one small row. A Core insert on the table sends the rows straight
    to the database; ``sort_by_parameter_order`` gives the ids back in the order sent.
    """
    if not readings:
        return
    table = Reading.__table__
    columns = ("device_id", "sensor", "value", "unit", "recorded_at", "received_at", "seq")
    rows = [{name: getattr(reading, name) for name in columns} for reading in readings]
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids = db.session.execute(statement, rows).scalars()
    for reading, reading_id in zip(readings, ids, strict=True):
        reading.id = reading_id


def _stored_by_seq(device_id: str, seqs: list[int]) -> dict[int, Reading]:
    """The device's readings stored already under these ``seq`` numbers."""
    if not seqs:
        return {}
    query = select(Reading).where(Reading.device_id == device_id, Reading.seq.in_(seqs))
    return {reading.seq: reading for reading in db.session.scalars(query)}  # type: ignore[misc]


def latest_readings_tuned(device_id: str) -> list[Reading]:
    """The newest reading of each sensor of a device, ordered by sensor, in one statement.

    ``SELECT DISTINCT sensor`` reads every index entry of the device (a million readings:
    a million entries) to find four names. :func:`sensor_names` instead asks for the
    smallest name, then the smallest after it, and so on, each answer one jump in the index
    on ``(device_id, sensor, recorded_at, id, value)``. For each name, a scalar subquery
    takes the id of its newest reading: one more seek to the end of that sensor's slice.
    """
    sensors = sensor_names(device_id)
    newest = (
        select(Reading.id)
        .where(Reading.device_id == device_id, Reading.sensor == sensors.c.name)
        .order_by(Reading.recorded_at.desc(), Reading.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    newest_ids = select(newest).where(sensors.c.name.is_not(None))
    query = select(Reading).where(Reading.id.in_(newest_ids)).order_by(Reading.sensor)
    return list(db.session.scalars(query))


def sensor_names(device_id: str) -> Any:
    """A recursive CTE listing the device's sensors, one index seek per sensor.

    Its first row is ``MIN(sensor)``; each next row is the smallest name greater than the
    last one. A device with a million readings from four sensors costs five small seeks;
    the last step yields NULL, which ends the recursion.
    """
    first = select(func.min(Reading.sensor).label("name")).where(Reading.device_id == device_id)
    sensors = first.cte("sensors", recursive=True)
    after = (
        select(func.min(Reading.sensor))
        .where(Reading.device_id == device_id, Reading.sensor > sensors.c.name)
        .scalar_subquery()
    )
    return sensors.union_all(select(after).where(sensors.c.name.is_not(None)))


def reading_stats_tuned(device_id: str, window: StatsQuery) -> dict[str, Any]:
    """Count, min, max and mean of one sensor in a window, with the first and last time.

    Everything is read from the covering index ``(device_id, sensor, recorded_at, id,
    value)``: SQLite never touches the table. The plain version asks for MIN and MAX of
    ``recorded_at`` inside the same aggregate, which compares 250,000 time strings twice
    and costs as much as the rest of it. Alone in a subquery, ``MIN(recorded_at)`` (or
    ``MAX``) is one seek to an end of the index, because the index is sorted by time.
    """
    first = in_window(select(func.min(Reading.recorded_at)), device_id, window)
    last = in_window(select(func.max(Reading.recorded_at)), device_id, window)
    query = in_window(
        select(
            func.count(),
            func.min(Reading.value),
            func.max(Reading.value),
            func.avg(Reading.value),
            first.scalar_subquery(),
            last.scalar_subquery(),
        ),
        device_id,
        window,
    )
    count, low, high, mean, first_at, last_at = db.session.execute(query).one()
    if count and not math.isfinite(mean):
        mean = mean_without_overflow(query, count, low, high)
    return {
        "sensor": window.sensor,
        "count": count,
        "min": low,
        "max": high,
        "mean": mean,
        "first_recorded_at": isoformat(first_at),
        "last_recorded_at": isoformat(last_at),
    }
