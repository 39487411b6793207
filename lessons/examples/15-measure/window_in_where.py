"""A first try at latest-per-sensor with a window function: ROW_NUMBER() in the WHERE."""

import sqlite3

con = sqlite3.connect(":memory:")
con.execute("CREATE TABLE readings (id INTEGER PRIMARY KEY, device_id TEXT, sensor TEXT,"
            " value REAL, recorded_at TEXT)")
con.executemany(
    "INSERT INTO readings (device_id, sensor, value, recorded_at) VALUES (?, ?, ?, ?)", [
        ("kitchen", "temperature", 21.5, "2026-01-01T10:00:00+00:00"),
        ("kitchen", "temperature", 21.7, "2026-01-01T10:01:00+00:00"),
        ("kitchen", "humidity", 40.0, "2026-01-01T10:00:00+00:00"),
    ])

# --8<-- [start:where]
WRONG = """
    SELECT sensor, value, recorded_at FROM readings
    WHERE device_id = ?
      AND ROW_NUMBER() OVER (PARTITION BY sensor ORDER BY recorded_at DESC, id DESC) = 1
"""
try:
    con.execute(WRONG, ("kitchen",)).fetchall()
except sqlite3.OperationalError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:where]

# --8<-- [start:fix]
RIGHT = """
    SELECT sensor, value, recorded_at FROM (
        SELECT sensor, value, recorded_at,
               ROW_NUMBER() OVER (PARTITION BY sensor
                                  ORDER BY recorded_at DESC, id DESC) AS n
        FROM readings WHERE device_id = ?)
    WHERE n = 1 ORDER BY sensor
"""
for row in con.execute(RIGHT, ("kitchen",)):
    print(row)
# --8<-- [end:fix]
