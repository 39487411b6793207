"""One sample from the simulated Uno: a line of JSON text that only this computer sees."""

import json

import serial

import simulators  # noqa: F401  (teaches pyserial the sim:// URLs)

URL = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual"

with serial.serial_for_url(URL, baudrate=9600, timeout=5) as port:
    port.readline()  # the boot banner, after the reset on open
    line = port.readline()  # one sample

print(line)  # bytes, as they came down the cable
sample = json.loads(line)  # JSON text -> a Python dictionary
print(sample["temperature"], "°C, a", type(sample["temperature"]).__name__)
