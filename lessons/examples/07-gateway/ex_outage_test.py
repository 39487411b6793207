"""Exercise 3: a test of the gateway through an outage."""

from collections import Counter
from datetime import UTC, datetime

import httpx
import serial
from gateway import enqueue, forward_all, open_queue, queued, to_readings

import simulators  # noqa: F401 (lets pyserial open sim://)
from hubkit import running_hub

UNO = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual&banner=0"


def test_an_outage_loses_nothing_and_duplicates_nothing():
    with running_hub() as hub, serial.serial_for_url(UNO, baudrate=9600, timeout=2) as port:
        device_id, key = hub.register("kitchen")
        db = open_queue(":memory:")
        with httpx.Client(base_url=hub.url) as client:
            made = 0
            for sample in range(1, 6):
                if sample == 2:
                    hub.down()
                if sample == 4:
                    hub.up()
                for reading in to_readings(port.readline(), datetime.now(UTC)):
                    enqueue(db, reading)
                    made += 1
                forward_all(db, client, device_id, key, sleep=lambda seconds: None)
            stored = client.get(f"/api/v1/devices/{device_id}/readings").json()["readings"]
        copies = Counter(reading["seq"] for reading in stored)
        assert queued(db) == 0, "the queue should be empty once the hub is back"
        assert sorted(copies) == list(range(1, made + 1)), "every reading should reach the hub"
        assert set(copies.values()) == {1}, "no reading should be stored twice"


test_an_outage_loses_nothing_and_duplicates_nothing()
print("the outage test passed")
