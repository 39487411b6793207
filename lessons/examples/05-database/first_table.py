"""Store the simulated Uno's readings in a table, then ask for some of them back."""

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import serial

import simulators  # noqa: F401 (lets pyserial open sim://)

URL = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual"
BOOT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # when we say the board started

# --8<-- [start:create]
con = sqlite3.connect(":memory:")  # a database in memory; give a file name to keep it
con.execute("""
    CREATE TABLE readings (
        device_id   TEXT,
        sensor      TEXT,
        value       REAL,
        recorded_at TEXT
    )
""")
# --8<-- [end:create]

# --8<-- [start:insert]
with serial.serial_for_url(URL, baudrate=9600, timeout=2) as port:
    port.readline()  # the boot banner
    for _ in range(3):
        sample = json.loads(port.readline())
        recorded_at = (BOOT + timedelta(milliseconds=sample["ms"])).isoformat()
        for sensor in ("temperature", "humidity"):
            row = ("uno-1", sensor, sample[sensor], recorded_at)
            con.execute("INSERT INTO readings VALUES (?, ?, ?, ?)", row)
con.commit()
# --8<-- [end:insert]

# --8<-- [start:select]
print(con.execute("SELECT COUNT(*) FROM readings").fetchone())
query = "SELECT recorded_at, value FROM readings WHERE sensor = 'humidity' ORDER BY recorded_at"
for row in con.execute(query):
    print(row)
# --8<-- [end:select]
con.close()
