"""Read the simulated Uno's sensor reports through pyserial, exactly as from a real board."""

import json

import serial

import simulators  # noqa: F401  (teaches pyserial the sim:// URLs)

URL = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual"

with serial.serial_for_url(URL, baudrate=9600, timeout=5) as port:
    print(port.readline().decode().strip())  # the boot banner, after the reset on open
    for _ in range(3):
        sample = json.loads(port.readline())
        print(f"seq {sample['seq']}: {sample['temperature']} °C at {sample['ms']} ms")
