"""readline() gives bytes; decode() makes them text; strip() trims."""

import serial

import simulators  # noqa: F401 (lets pyserial open sim://)

URL = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual"

with serial.serial_for_url(URL, baudrate=9600, timeout=2) as port:
    raw = port.readline()

print(type(raw), raw)
try:
    print(raw.startswith("#"))  # the mistake: bytes asked about text
except TypeError as e:
    print(f"{type(e).__name__}: {e}")

line = raw.decode("utf-8").strip()  # bytes -> text, then drop "\r\n"
print(type(line), repr(line))
print(line.startswith("#"))

# text -> bytes: encode() (UTF-8 unless told otherwise).
# One character of text can take more than one byte.
data = "°C".encode()
print(data)
print(len("°C"), "characters,", len(data), "bytes")
