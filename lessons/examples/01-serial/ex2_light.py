"""Exercise 2: the light of seed 3's first five readings."""

import json

import serial

import simulators  # noqa: F401 (lets pyserial open sim://)

URL = "sim://uno?sketch=sensor_reporter&seed=3&clock=virtual"

with serial.serial_for_url(URL, baudrate=9600, timeout=2) as port:
    count = 0
    while count < 5:
        raw = port.readline()
        line = raw.decode("utf-8", errors="replace").strip()
        if not line.startswith("{"):  # the banner, or garbage
            continue
        reading = json.loads(line)
        print(f"seq {reading['seq']}: light {reading['light']}")
        count += 1
