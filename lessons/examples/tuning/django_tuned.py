"""The Django hub, tuned: the techniques of "Flask vs Django, measured", before and after.

The hub you write (starter/django) is plain, idiomatic Django: one idea per function, the ORM
the way the tutorials use it. Each function below is a faster way to give the *same answer*
as one piece of it, and says what it saves and what it costs in clarity.
tests/test_tuning_django.py checks that each one answers like the plain hub's code.

| plain hub (starter/django)                 | tuned (here)                         |
| ------------------------------------------ | ------------------------------------ |
| DeviceKeyAuthentication.authenticate       | path_and_key_devices                 |
| ReadingCreateSerializer (for each reading) | plain_reading                        |
| store_readings                             | store_readings_tuned                 |
| LatestReadingsView.get (distinct + newest) | newest_per_sensor                    |
| ReadingSerializer (a stored reading)       | reading_json                         |

The functions use the hub's models, so Django must be set up with the hub's settings first
(run them inside the starter: `cd starter/django`, then `python manage.py shell`).
"""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Subquery
from django.utils import timezone
from hub.exceptions import Conflict
from hub.models import SLUG_PATTERN, Device, Reading, hash_key
from hub.serializers import MAX_FUTURE, MAX_SEQ, parse_timestamp

READING_FIELDS = frozenset({"sensor", "value", "unit", "recorded_at", "seq"})
SLUG = re.compile(SLUG_PATTERN)
MAX_FLOAT = sys.float_info.max
SEEN_RESOLUTION = timedelta(seconds=1)


# --8<-- [start:path_and_key_devices]
def path_and_key_devices(device_id: str, api_key: str) -> tuple[Device | None, Device | None]:
    """The device named by the path and the device `api_key` belongs to, in one query.

    The plain hub asks twice: the path's device (for its 404), then, when the key is not that
    device's own, the key's owner. Nearly every request carries the device's own key, so ask
    for the key's owner first: when it is the path's device, both answers came from one
    query (an index lookup on `api_key_hash`). Only another device's key, or none, costs the
    second query. The price: the order of the checks (404 before 401) now hides in the
    caller. Returns (None, ...) when the path names no device.
    """
    owner = None
    if api_key:
        owner = Device.objects.filter(api_key_hash=hash_key(api_key)).order_by().first()
    if owner is not None and owner.pk == device_id:
        return owner, owner
    return Device.objects.filter(pk=device_id).first(), owner
# --8<-- [end:path_and_key_devices]


# --8<-- [start:plain_reading]
def plain_reading(data: Any) -> dict | None:
    """A well-formed reading checked in plain Python, or None: then the serializer says why.

    A DRF serializer copies its fields and runs each through several layers of methods for
    every reading; a batch has up to 500. This accepts only what ReadingCreateSerializer
    accepts and returns the same dict; anything unusual (an error, a NUL, a float too large)
    returns None, and the caller asks the serializer, which explains the problem. Two
    validators of the same rules must then be kept in step: that is its cost.
    """
    if type(data) is not dict or not data.keys() <= READING_FIELDS:
        return None
    sensor, value = data.get("sensor"), data.get("value")
    if type(sensor) is not str or not SLUG.match(sensor) or type(value) not in (int, float):
        return None
    if not (-MAX_FLOAT < value < MAX_FLOAT):  # also refuses NaN; the serializer explains
        return None
    reading: dict[str, Any] = {"sensor": sensor, "value": float(value)}
    if "unit" in data:
        unit = data["unit"]
        if unit is not None and (type(unit) is not str or not plain_text(unit, 16)):
            return None
        reading["unit"] = unit
    if "recorded_at" in data:
        try:
            recorded_at = parse_timestamp(data["recorded_at"])
        except ValueError:
            return None
        if recorded_at > timezone.now() + MAX_FUTURE:
            return None
    else:
        recorded_at = timezone.now()  # not sent: now, as the serializer's default
    reading["recorded_at"] = recorded_at
    if "seq" in data:
        seq = data["seq"]
        if type(seq) is not int or not 0 <= seq <= MAX_SEQ:
            return None
        reading["seq"] = seq
    return reading


def plain_text(text: str, max_length: int) -> bool:
    """Short enough, encodable as UTF-8 and without NUL: what StrictCharField lets through."""
    if len(text) > max_length or "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
# --8<-- [end:plain_reading]


# --8<-- [start:store_readings_tuned]
def store_readings_tuned(device: Device, readings: list[dict]) -> tuple[list[Reading], int]:
    """What hub.views.store_readings does, with the INSERT first.

    The plain hub first asks which seqs are stored already, then inserts the rest: two
    queries for every POST, although nearly every reading is new. Here the INSERT goes
    first, inside a savepoint; only when the database refuses it (the unique (device, seq)
    constraint: a replay) are the stored seqs looked up and the rest inserted. A race with
    another request storing the same seq is retried once. The price: a replay costs a
    failed INSERT, and the code is harder to follow.
    """
    for attempt in range(2):
        try:
            with transaction.atomic():
                stored = insert_new_readings(device, readings)
                mark_seen(device)  # in the same transaction: one commit, not two
                return stored
        except IntegrityError:
            if attempt:
                raise Conflict("Another request stored these readings at the same time.") from None
    raise AssertionError("unreachable")


def insert_new_readings(device: Device, readings: list[dict]) -> tuple[list[Reading], int]:
    """Insert the readings in one query; if a seq is stored already, insert only the rest."""
    try:
        with transaction.atomic():  # a savepoint: a refused INSERT undoes only itself
            return insert_except(device, readings, replayed={})
    except IntegrityError:
        pass
    seqs = [r["seq"] for r in readings if r.get("seq") is not None]
    stored = device.readings.filter(seq__in=seqs)
    return insert_except(device, readings, replayed={r.seq: r for r in stored})


def insert_except(
    device: Device, readings: list[dict], replayed: dict[int, Reading]
) -> tuple[list[Reading], int]:
    """Insert the readings whose seq is not in `replayed`; return all in order, and the count."""
    now = timezone.now()
    result = [
        replayed.get(r.get("seq"))
        or Reading(
            device=device,
            sensor=r["sensor"],
            value=r["value"],
            unit=r.get("unit"),
            recorded_at=r.get("recorded_at") or now,
            received_at=now,
            seq=r.get("seq"),
        )
        for r in readings
    ]
    new = [reading for reading in result if reading.pk is None]
    Reading.objects.bulk_create(new)
    return result, len(new)


def mark_seen(device: Device) -> None:
    """Record that the device just talked to the hub, to within `SEEN_RESOLUTION`.

    The same rule as the plain hub's `Device.mark_seen()` (one UPDATE a second at most), with
    a queryset `update()` instead of `save(update_fields=...)`: no model signals, no
    per-field bookkeeping.
    """
    now = timezone.now()
    if device.last_seen_at is not None and now - device.last_seen_at < SEEN_RESOLUTION:
        return
    device.last_seen_at = now
    Device.objects.filter(pk=device.pk).update(last_seen_at=now)
# --8<-- [end:store_readings_tuned]


# --8<-- [start:newest_per_sensor]
def newest_per_sensor(readings: QuerySet) -> list[Reading]:
    """The newest reading of each sensor, in sensor order: one index seek per sensor.

    The plain hub asks for the distinct sensors first. Without statistics (ANALYZE) SQLite
    answers that by reading every entry of the device in the (device, sensor, ...) index: a
    million readings, tens of milliseconds. SQL has no "skip to the next distinct value",
    and the ORM cannot write the recursive CTE that emulates it, so this loop does the
    skipping: each query asks the index for the first sensor after the previous one and, for
    it, the newest reading (ORDER BY recorded_at DESC, id DESC LIMIT 1). A device with k
    sensors costs k + 1 small queries, whatever the number of readings.
    """
    latest: list[Reading] = []
    previous = ""  # a sensor is a non-empty slug: every one sorts after ""
    while True:
        next_sensor = readings.filter(sensor__gt=previous).order_by("sensor").values("sensor")[:1]
        newest = readings.filter(sensor=Subquery(next_sensor)).order_by("-recorded_at", "-id")
        reading = newest.first()
        if reading is None:
            return latest
        latest.append(reading)
        previous = reading.sensor
# --8<-- [end:newest_per_sensor]


# --8<-- [start:reading_json]
def reading_json(reading: Reading) -> dict:
    """A stored reading as the API answers it, without a serializer.

    A DRF serializer copies its field objects for every response and calls one of them per
    value (a timestamp's goes through time zone handling too); this function is several
    times cheaper, which shows on pages of up to 1000 readings and batches of 500. The
    price: the JSON shape now lives in two places.
    """
    return {
        "id": reading.id,
        "sensor": reading.sensor,
        "value": reading.value,
        "unit": reading.unit,
        "recorded_at": reading.recorded_at.isoformat(),
        "received_at": reading.received_at.isoformat(),
        "seq": reading.seq,
    }
# --8<-- [end:reading_json]
