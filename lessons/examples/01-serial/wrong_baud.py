"""The sketch talks at 9600 baud; a port at 115200 hears garbage."""

import serial

import simulators  # noqa: F401 (lets pyserial open sim://)

URL = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual"

# the mistake: a baud rate that is not the sketch's
with serial.serial_for_url(URL, baudrate=115200, timeout=2) as port:
    raw = port.readline()
    print(raw)
    try:
        print(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        print(f"{type(e).__name__}: {e}")
    # never raises: each bad byte becomes �
    print(raw.decode("utf-8", errors="replace").strip())

# the fix: the sketch's baud rate, 9600
with serial.serial_for_url(URL, baudrate=9600, timeout=2) as port:
    print(port.readline().decode("utf-8").strip())
