"""Open the Uno's serial port; read two lines, as raw bytes."""

import serial

import simulators  # noqa: F401 (lets pyserial open sim://)

URL = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual"

with serial.serial_for_url(URL, baudrate=9600, timeout=2) as port:
    print(port.readline())  # the first line: the board says hello
    print(port.readline())  # the second line: a reading
