"""Exercise 2: the gateway stops during an outage, then sends what it queued."""

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import httpx
import serial
from gateway import enqueue, oldest, open_queue, queued, remove, to_readings

import simulators  # noqa: F401 (lets pyserial open sim://)
from hubkit import running_hub

UNO = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual&banner=0"

with tempfile.TemporaryDirectory() as folder, running_hub() as hub:
    path = Path(folder) / "gateway-queue.sqlite3"
    device_id, key = hub.register("kitchen")
    hub.down()
    db = open_queue(path)
    with serial.serial_for_url(UNO, baudrate=9600, timeout=2) as port:
        for _ in range(2):
            for reading in to_readings(port.readline(), datetime.now(UTC)):
                enqueue(db, reading)
    print("queued before the stop:", queued(db))
    db.close()  # the gateway stops

    hub.up()
    db = open_queue(path)  # the gateway starts again, with the same file
    with httpx.Client(base_url=hub.url) as client:
        while (item := oldest(db)) is not None:
            seq, reading = item
            response = client.post(f"/api/v1/devices/{device_id}/readings",
                                   json={**reading, "seq": seq}, headers={"X-API-Key": key})
            print("seq", seq, "->", response.status_code)
            if response.status_code not in (200, 201):
                break  # keep it queued, and find out why
            remove(db, seq)  # the hub has it
        stored = client.get(f"/api/v1/devices/{device_id}/readings").json()["readings"]
    print("the hub holds seq", sorted(reading["seq"] for reading in stored))
    db.close()
