"""The two tables of this lesson's examples, and a database with a few readings in them."""

import sqlite3

# --8<-- [start:schema]
SCHEMA = """
CREATE TABLE devices (
    id   TEXT PRIMARY KEY,          -- the device's slug, such as 'kitchen'
    name TEXT NOT NULL
);
CREATE TABLE readings (
    id          INTEGER PRIMARY KEY,  -- SQLite numbers the rows: 1, 2, 3...
    device_id   TEXT NOT NULL REFERENCES devices (id),
    sensor      TEXT NOT NULL,
    value       REAL NOT NULL,
    seq         INTEGER,              -- the device's own number for the reading
    recorded_at TEXT NOT NULL,
    UNIQUE (device_id, seq)
);
"""
# --8<-- [end:schema]

DEVICES = [("kitchen", "Kitchen"), ("porch", "Porch"), ("attic", "Attic")]
READINGS = [  # (device_id, sensor, value, seq, recorded_at)
    ("kitchen", "temperature", 21.5, 0, "2026-11-24T10:00:00+00:00"),
    ("kitchen", "humidity", 40.0, 1, "2026-11-24T10:00:00+00:00"),
    ("porch", "temperature", 9.5, 0, "2026-11-24T10:00:00+00:00"),
    ("kitchen", "temperature", 21.7, 2, "2026-11-24T10:01:00+00:00"),
    ("porch", "temperature", 9.1, 1, "2026-11-24T10:01:00+00:00"),
]


# --8<-- [start:new]
def new_database():
    """Make an empty database in memory with the two tables."""
    con = sqlite3.connect(":memory:")
    con.execute("PRAGMA foreign_keys = ON")  # SQLite checks REFERENCES only when asked
    con.executescript(SCHEMA)
    return con
# --8<-- [end:new]


def sample_database():
    """Make the database with three devices and five readings (none from the attic)."""
    con = new_database()
    with con:
        con.executemany("INSERT INTO devices VALUES (?, ?)", DEVICES)
        con.executemany(
            "INSERT INTO readings (device_id, sensor, value, seq, recorded_at)"
            " VALUES (?, ?, ?, ?, ?)", READINGS)
    return con
