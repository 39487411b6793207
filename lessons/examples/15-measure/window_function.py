"""Exercise 3: latest-per-sensor with a window function, against the plain queries."""

import sqlite3
from datetime import UTC, datetime, timedelta

from measuring import best_times, how_much_faster

SENSORS = ["humidity", "light", "motion", "temperature"]
START = datetime(2026, 1, 1, tzinfo=UTC)


def readings():
    """300,000 readings of the kitchen, the 4 sensors taking turns, one a second."""
    for n in range(300_000):
        recorded_at = (START + timedelta(seconds=n)).isoformat()
        yield "kitchen", SENSORS[n % 4], 20 + n % 50 / 10, recorded_at


con = sqlite3.connect(":memory:")
con.executescript("""
    CREATE TABLE readings (
        id          INTEGER PRIMARY KEY,
        device_id   TEXT NOT NULL,
        sensor      TEXT NOT NULL,
        value       REAL NOT NULL,
        recorded_at TEXT NOT NULL
    );
    CREATE INDEX ix_readings_covering ON readings (device_id, sensor, recorded_at, id, value);
""")
with con:
    con.executemany(
        "INSERT INTO readings (device_id, sensor, value, recorded_at) VALUES (?, ?, ?, ?)",
        readings())

# --8<-- [start:queries]
SENSOR_NAMES = "SELECT DISTINCT sensor FROM readings WHERE device_id = ? ORDER BY sensor"
NEWEST = """
    SELECT sensor, value, recorded_at FROM readings WHERE device_id = ? AND sensor = ?
    ORDER BY recorded_at DESC, id DESC LIMIT 1
"""
WINDOW = """
    SELECT sensor, value, recorded_at FROM (
        SELECT sensor, value, recorded_at,
               ROW_NUMBER() OVER (PARTITION BY sensor
                                  ORDER BY recorded_at DESC, id DESC) AS n
        FROM readings WHERE device_id = ?)
    WHERE n = 1 ORDER BY sensor
"""


def latest_plain(device_id):
    """The hub's way: the sensor names, then one query for the newest of each."""
    names = [name for (name,) in con.execute(SENSOR_NAMES, (device_id,))]
    return [con.execute(NEWEST, (device_id, name)).fetchone() for name in names]


def latest_window(device_id):
    """One query: number each sensor's readings newest first, keep the number 1s."""
    return con.execute(WINDOW, (device_id,)).fetchall()
# --8<-- [end:queries]


def plan(sql, args):
    """The steps of SQLite's plan for a query."""
    return [row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql, args)]


# --8<-- [start:compare]
print("the same answer:", latest_plain("kitchen") == latest_window("kitchen"))
print("plain, the sensor names:", *plan(SENSOR_NAMES, ("kitchen",)), sep="\n    ")
print("plain, the newest of one:", *plan(NEWEST, ("kitchen", "light")), sep="\n    ")
print("window:", *plan(WINDOW, ("kitchen",)), sep="\n    ")
times = best_times(lambda: latest_plain("kitchen"), lambda: latest_window("kitchen"),
                   runs=3)
print("the window function, compared with the plain queries:", how_much_faster(*times))
# --8<-- [end:compare]
