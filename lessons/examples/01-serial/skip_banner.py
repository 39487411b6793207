"""Two ways past the banner: skip it, or turn it off."""

import json

import serial

import simulators  # noqa: F401 (lets pyserial open sim://)

URL = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual"

with serial.serial_for_url(URL, baudrate=9600, timeout=2) as port:
    for _ in range(3):
        line = port.readline().decode("utf-8").strip()
        # a reading is a JSON object: it starts with {
        if not line.startswith("{"):
            print("skipped:", line)
            continue
        print("reading:", json.loads(line)["seq"])

QUIET = URL + "&banner=0"  # the sketch's option: no banner
with serial.serial_for_url(QUIET, baudrate=9600, timeout=2) as port:
    print("first line:", port.readline().decode("utf-8").strip())
