"""Exercise 3: which of seed 10's first 60 readings failed?"""

import json

import serial

import simulators  # noqa: F401 (lets pyserial open sim://)

URL = "sim://uno?sketch=sensor_reporter&seed=10&clock=virtual&banner=0"

failed = []
with serial.serial_for_url(URL, baudrate=9600, timeout=2) as port:
    for _ in range(60):
        raw = port.readline()
        if not raw:  # a timeout: stop, do not parse an empty line
            print("the board went quiet")
            break
        reading = json.loads(raw.decode("utf-8"))
        t, h = reading["temperature"], reading["humidity"]
        if t is None or h is None:
            failed.append(reading["seq"])

print(len(failed), "failed readings, seq", failed)
