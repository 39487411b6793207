"""A unique (device_id, seq) stores a reading once, however often the device sends it."""

import sqlite3

from schema import new_database

con = new_database()
with con:
    con.execute("INSERT INTO devices VALUES (?, ?)", ("kitchen", "Kitchen"))

# --8<-- [start:twice]
INSERT = ("INSERT INTO readings (device_id, sensor, value, seq, recorded_at)"
          " VALUES (?, ?, ?, ?, ?)")
reading = ("kitchen", "temperature", 21.5, 7, "2026-11-24T10:00:00+00:00")

with con:
    con.execute(INSERT, reading)
try:
    with con:
        con.execute(INSERT, reading)  # the device did not get the answer, and sends it again
except sqlite3.IntegrityError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:twice]

# --8<-- [start:ignore]
INSERT_ONCE = INSERT + " ON CONFLICT (device_id, seq) DO NOTHING"
following = ("kitchen", "temperature", 21.6, 8, "2026-11-24T10:01:00+00:00")

for attempt in (1, 2, 3):
    with con:
        cursor = con.execute(INSERT_ONCE, following)
    print(f"attempt {attempt}:", "stored" if cursor.rowcount == 1 else "a replay, kept as it was")
print(con.execute("SELECT COUNT(*) FROM readings").fetchone())
# --8<-- [end:ignore]
