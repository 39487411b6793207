"""What an index buys: the query plan and the time of one query on 300,000 readings."""

import sqlite3
import time
from datetime import UTC, datetime, timedelta

DEVICES = [f"room-{number}" for number in range(20)]
SENSORS = ["temperature", "humidity", "light"]
START = datetime(2026, 11, 1, tzinfo=UTC)


def readings():
    """20 devices x 3 sensors x 5,000 minutes: 300,000 rows, made up but always the same."""
    for minute in range(5000):
        recorded_at = (START + timedelta(minutes=minute)).isoformat()
        for device_id in DEVICES:
            for number, sensor in enumerate(SENSORS):
                yield device_id, sensor, 20 + number + minute % 50 / 10, recorded_at


# --8<-- [start:build]
con = sqlite3.connect(":memory:")
con.execute("""
    CREATE TABLE readings (
        id          INTEGER PRIMARY KEY,
        device_id   TEXT NOT NULL,
        sensor      TEXT NOT NULL,
        value       REAL NOT NULL,
        recorded_at TEXT NOT NULL
    )
""")
with con:  # one transaction for all the rows: one commit, not 300,000
    con.executemany(
        "INSERT INTO readings (device_id, sensor, value, recorded_at) VALUES (?, ?, ?, ?)",
        readings())
# --8<-- [end:build]

# --8<-- [start:plan]
LATEST = """
    SELECT value, recorded_at FROM readings
    WHERE device_id = ? AND sensor = ?
    ORDER BY recorded_at DESC LIMIT 1
"""
ARGS = ("room-7", "humidity")


def show_plan():
    """Print how SQLite will run LATEST: one line per step of its plan."""
    for _id, _parent, _unused, step in con.execute("EXPLAIN QUERY PLAN " + LATEST, ARGS):
        print("   ", step)
# --8<-- [end:plan]


def best_time():
    """The shortest of five runs of LATEST, in seconds (the least disturbed by the machine)."""
    times = []
    for _ in range(5):
        start = time.perf_counter()
        con.execute(LATEST, ARGS).fetchall()
        times.append(time.perf_counter() - start)
    return min(times)


def how_much_faster(ratio):
    """Say a ratio of two times in words, rounded down to a power of ten."""
    for times in (1000, 100, 10):
        if ratio > times:
            return f"more than {times:,} times faster"
    return "less than 10 times faster"


# --8<-- [start:steps]
print(con.execute("SELECT COUNT(*) FROM readings").fetchone()[0], "readings")
print("the answer:", con.execute(LATEST, ARGS).fetchone())

print("No index:")
show_plan()
no_index = best_time()

con.execute("CREATE INDEX ix_device_sensor ON readings (device_id, sensor)")
print("An index on (device_id, sensor):")
show_plan()

con.execute("DROP INDEX ix_device_sensor")
con.execute("CREATE INDEX ix_device_sensor_time ON readings (device_id, sensor, recorded_at)")
print("An index on (device_id, sensor, recorded_at):")
show_plan()
print("the answer:", con.execute(LATEST, ARGS).fetchone())
print("compared with no index:", how_much_faster(no_index / best_time()))
# --8<-- [end:steps]
