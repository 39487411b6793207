"""The whole gateway through an outage: the hub is down for three samples."""

from collections import Counter
from datetime import UTC, datetime

import httpx
import serial
from gateway import enqueue, forward_all, open_queue, queued, to_readings

import simulators  # noqa: F401 (lets pyserial open sim://)
from hubkit import LoseAnswers, running_hub

UNO = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual&banner=0"


def no_wait(seconds):
    pass  # the test does not wait: the back-off is checked in backoff.py


with running_hub() as hub, serial.serial_for_url(UNO, baudrate=9600, timeout=2) as port:
    device_id, key = hub.register("kitchen")
    db = open_queue(":memory:")
    # the network loses two answers too: those readings are sent twice
    with httpx.Client(base_url=hub.url, transport=LoseAnswers(2)) as client:
        for sample in range(1, 9):
            if sample == 3:
                hub.down()
            if sample == 6:
                hub.up()
            for reading in to_readings(port.readline(), datetime.now(UTC)):
                enqueue(db, reading)
            sent = forward_all(db, client, device_id, key, sleep=no_wait)
            state = "up" if hub.is_up else "down"
            print(f"sample {sample}: hub {state:4} sent {sent}, still queued {queued(db)}")
        stored = client.get(f"/api/v1/devices/{device_id}/readings").json()["readings"]
    copies = Counter(reading["seq"] for reading in stored)
    print("the hub holds", len(stored), "readings, seq", min(copies), "to", max(copies))
    print("stored more than once:", [seq for seq, n in copies.items() if n > 1])
