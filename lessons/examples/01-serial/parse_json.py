"""json.loads turns a reading into a dict. The banner is not JSON."""

import json

import serial

import simulators  # noqa: F401 (lets pyserial open sim://)

URL = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual"

with serial.serial_for_url(URL, baudrate=9600, timeout=2) as port:
    for _ in range(3):
        line = port.readline().decode("utf-8").strip()
        try:
            reading = json.loads(line)  # the mistake, on the banner
        except json.JSONDecodeError as e:
            print(f"{type(e).__name__}: {e}")
            print("  the line was:", repr(line))
            continue
        print(type(reading).__name__, reading)
        print("  temperature:", reading["temperature"], "°C")
