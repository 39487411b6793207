"""Each open restarts the board: the banner first, then seq 0 again."""

import serial

import simulators  # noqa: F401 (lets pyserial open sim://)

URL = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual"

with serial.serial_for_url(URL, baudrate=9600, timeout=2) as port:
    for _ in range(3):
        print(port.readline())
    # what closing and opening the port does to a real Uno:
    # DTR goes off, then on again, and the board resets
    port.dtr = False
    port.dtr = True
    for _ in range(2):
        print(port.readline())
