"""Run knob_reporter.py, turn the knob, and read what the sketch prints (through pyserial)."""

import serial

import simulators  # noqa: F401  (teaches pyserial the sim:// URLs)

URL = "sim://uno?sketch=lessons/examples/02-sketches/knob_reporter.py&seed=1&clock=virtual"

with serial.serial_for_url(URL, baudrate=9600, timeout=2) as port:
    knob = port.board.parts["knob"]  # the potentiometer wired to A1
    for position in (0.0, 0.5, 1.0):  # fully left, half way, fully right
        knob.turn(position)
        line = port.readline().decode().strip()
        print(f"knob turned to {position}: the sketch printed {line!r}")
