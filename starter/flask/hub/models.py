"""The tables: a Device has many Readings and many Commands.

Written in SQLAlchemy 2.0 style: ``Mapped[...]`` annotations say the Python type (and
whether a column may be NULL); ``mapped_column`` adds what the database needs to know.

The indexes follow the queries the API makes; they are what keeps the plain queries of the
views fast with a million readings:

- ``devices.key_hash`` (unique): finding the device a key belongs to.
- ``readings (device_id, sensor, recorded_at, id, value)``: a sensor's readings in a time
  window, its stats and its latest value all read a slice of this index. ``id`` breaks ties
  between readings of the same time (newest first is ``recorded_at desc, id desc``), and
  ``value`` makes it a *covering* index for stats: COUNT, MIN, MAX and AVG are computed from
  the index alone, without reading the table.
- ``readings (device_id, recorded_at)``: all of a device's readings, newest first.
- ``readings (device_id, seq)`` (unique): a retried reading is stored once, even when two
  copies arrive at the same moment; the database, not our code, has the last word.
- ``commands (device_id, status)``: a device polling its pending commands.

:func:`get_device_or_404` is the one query every part of the hub needs: the device a URL
names, or a 404.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import UTCDateTime, db, utcnow

SEEN_PRECISION = timedelta(seconds=1)
"""How often a device's ``last_seen_at`` is written at most."""

# --8<-- [start:device]
class Device(db.Model):
    """A board (Arduino, Raspberry Pi, ...) that posts readings with its own API key."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    readings: Mapped[list[Reading]] = relationship(
        back_populates="device", cascade="all, delete-orphan", passive_deletes=True
    )
    commands: Mapped[list[Command]] = relationship(
        back_populates="device", cascade="all, delete-orphan", passive_deletes=True
    )
    # --8<-- [end:device]

    def mark_seen(self, now: datetime) -> None:
        """Set ``last_seen_at`` to ``now``, unless it was set less than a second ago.

        A device that posts many readings a second would otherwise rewrite its own row with
        every one of them (a second write per request); to the second is precise enough to
        say when the hub last heard from it.
        """
        if self.last_seen_at is None or now - self.last_seen_at >= SEEN_PRECISION:
            self.last_seen_at = now

    def to_dict(self) -> dict[str, Any]:
        """Return the device as the API shows it (never its key)."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "created_at": isoformat(self.created_at),
            "last_seen_at": isoformat(self.last_seen_at),
        }


# --8<-- [start:reading]
class Reading(db.Model):
    """One measurement: a sensor's value at a time, sent by a device."""

    __tablename__ = "readings"
    __table_args__ = (
        UniqueConstraint("device_id", "seq", name="uq_readings_device_seq"),
        Index(
            "ix_readings_device_sensor_covering",
            "device_id",
            "sensor",
            "recorded_at",
            "id",
            "value",
        ),
        Index("ix_readings_device_recorded", "device_id", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    sensor: Mapped[str] = mapped_column(String(64))
    value: Mapped[float]
    unit: Mapped[str | None] = mapped_column(String(16))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seq: Mapped[int | None] = mapped_column(BigInteger)

    device: Mapped[Device] = relationship(back_populates="readings")
    # --8<-- [end:reading]

    def to_dict(self) -> dict[str, Any]:
        """Return the reading as the API shows it."""
        return {
            "id": self.id,
            "sensor": self.sensor,
            "value": self.value,
            "unit": self.unit,
            "recorded_at": isoformat(self.recorded_at),
            "received_at": isoformat(self.received_at),
            "seq": self.seq,
        }


class Command(db.Model):
    """An order for a device (``led`` = ``on``), queued by an admin, acknowledged by the device."""

    __tablename__ = "commands"
    __table_args__ = (Index("ix_commands_device_status", "device_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    detail: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    device: Mapped[Device] = relationship(back_populates="commands")

    def to_dict(self) -> dict[str, Any]:
        """Return the command as the API shows it."""
        return {
            "id": self.id,
            "device_id": self.device_id,
            "name": self.name,
            "value": self.value,
            "status": self.status,
            "detail": self.detail,
            "created_at": isoformat(self.created_at),
            "acked_at": isoformat(self.acked_at),
        }


def get_device_or_404(device_id: str) -> Device:
    """Load the device with this id, or stop the request with 404 ``not_found``.

    ``db.get_or_404`` is Flask-SQLAlchemy's ``db.session.get`` that raises Werkzeug's
    ``NotFound`` (with our description) when there is no such row.
    """
    return db.get_or_404(Device, device_id, description=f"There is no device {device_id!r}.")


def isoformat(moment: datetime | None) -> str | None:
    """Format an aware datetime as ISO 8601 in UTC (``2026-11-24T10:00:00+00:00``), or None."""
    return None if moment is None else moment.isoformat()
