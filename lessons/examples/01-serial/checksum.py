"""A failed sensor read comes as null, so None: leave it out."""

import json

import serial

import simulators  # noqa: F401 (lets pyserial open sim://)

URL = "sim://uno?sketch=sensor_reporter&seed=1&clock=virtual&banner=0"

with serial.serial_for_url(URL, baudrate=9600, timeout=2) as port:
    lines = [port.readline().decode("utf-8").strip() for _ in range(4)]

print(lines[0])  # what the sketch sent when its sensor read failed
readings = [json.loads(line) for line in lines]
for reading in readings:
    print(reading["seq"], reading["temperature"], reading["humidity"])

temperatures = [reading["temperature"] for reading in readings]
try:
    # the mistake: None is not a number
    print(sum(temperatures) / len(temperatures))
except TypeError as e:
    print(f"{type(e).__name__}: {e}")

# the fix: only the reads that worked
good = [t for t in temperatures if t is not None]
mean = sum(good) / len(good)
print(f"mean of {len(good)} good readings: {mean:.1f} °C")
