"""A first gateway: post the readings of three samples of the Uno to the hub."""

from datetime import UTC, datetime

import httpx
import serial
from gateway import to_readings

import simulators  # noqa: F401 (lets pyserial open sim://)
from hubkit import running_hub

UNO = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual"

with running_hub() as hub, httpx.Client(base_url=hub.url) as client:
    device_id, key = hub.register("kitchen")  # the admin registers the board once
    with serial.serial_for_url(UNO, baudrate=9600, timeout=2) as port:
        for _ in range(4):  # the banner, then three samples
            line = port.readline()
            for reading in to_readings(line, datetime.now(UTC)):
                response = client.post(f"/api/v1/devices/{device_id}/readings",
                                       json=reading, headers={"X-API-Key": key})
                print(reading["sensor"], reading["value"], "->", response.status_code)
    stored = client.get(f"/api/v1/devices/{device_id}/readings").json()["readings"]
    print("the hub holds", len(stored), "readings")
