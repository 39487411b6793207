"""The readings every example stores: the same rows for Django and for SQLAlchemy."""

from datetime import UTC, datetime, timedelta

DEVICES = [("kitchen", "Kitchen"), ("porch", "Porch"), ("attic", "Attic")]
START = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)

# (device, sensor, value, seq, minutes after START); the attic has no readings.
READINGS = [
    ("kitchen", "temperature", 21.5, 0, 0),
    ("kitchen", "humidity", 40.0, 1, 0),
    ("kitchen", "temperature", 21.7, 2, 1),
    ("kitchen", "humidity", 41.0, 3, 1),
    ("kitchen", "temperature", 22.4, 4, 2),
    ("porch", "temperature", 9.5, 0, 0),
    ("porch", "temperature", 9.0, 1, 1),
]


def at(minutes):
    """The time `minutes` after START, in UTC."""
    return START + timedelta(minutes=minutes)
