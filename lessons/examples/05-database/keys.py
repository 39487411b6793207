"""The primary key names each row; the foreign key refuses a reading of an unknown device."""

import sqlite3

from schema import new_database

con = new_database()


# --8<-- [start:keys]
with con:
    con.execute("INSERT INTO devices VALUES (?, ?)", ("kitchen", "Kitchen"))
    cursor = con.execute(
        "INSERT INTO readings (device_id, sensor, value, seq, recorded_at) VALUES (?, ?, ?, ?, ?)",
        ("kitchen", "temperature", 21.5, 0, "2026-11-24T10:00:00+00:00"))
print("the new reading's id:", cursor.lastrowid)

try:
    with con:
        con.execute("INSERT INTO devices VALUES (?, ?)", ("kitchen", "Another kitchen"))
except sqlite3.IntegrityError as error:
    print(f"{type(error).__name__}: {error}")

try:
    with con:
        con.execute(
            "INSERT INTO readings (device_id, sensor, value, seq, recorded_at)"
            " VALUES (?, ?, ?, ?, ?)",
            ("garage", "temperature", 5.0, 0, "2026-11-24T10:00:00+00:00"))
except sqlite3.IntegrityError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:keys]
