"""Exercise 1: the first four lines of seed 3, as text."""

import serial

import simulators  # noqa: F401 (lets pyserial open sim://)

URL = "sim://uno?sketch=sensor_reporter&seed=3&clock=virtual"

with serial.serial_for_url(URL, baudrate=9600, timeout=2) as port:
    for _ in range(4):
        print(port.readline().decode("utf-8").strip())
