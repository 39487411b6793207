"""Run blink_and_report.py for 6 simulated seconds: LED changes and serial lines, in order."""

import serial

import simulators  # noqa: F401  (teaches pyserial the sim:// URLs)

URL = "sim://uno?sketch=lessons/examples/02-sketches/blink_and_report.py&seed=1&clock=virtual"

events = []  # (seconds, what happened)
with serial.serial_for_url(URL, baudrate=9600, timeout=3) as port:
    room = port.world.room
    room.set_daylight(100)  # hold the daylight at 100 lux...
    port.world.clock.call_later(3.0, room.set_daylight, 5)  # ...until a cloud comes at 3 s
    while port.world.clock.now() < 6:
        line = port.readline().decode().strip()  # waits (in simulated time) for a line
        events.append((port.world.clock.now(), f"serial: {line}"))
    for seconds, brightness in port.board.parts["builtin"].history:
        events.append((seconds, "LED on" if brightness else "LED off"))

for seconds, what in sorted(events):
    print(f"{seconds:6.3f} s  {what}")
