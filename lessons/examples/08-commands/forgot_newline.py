"""A command without its newline: the board waits for the end of the line, forever."""

import serial

import simulators  # noqa: F401  (teaches pyserial the sim:// URLs)

URL = "sim://uno?sketch=command_listener&seed=1&clock=virtual"

with serial.serial_for_url(URL, baudrate=9600, timeout=2) as port:
    port.readline()  # the boot banner
    port.write(b"HEATER ON")  # no "\n" at the end
    print("without the newline:", port.readline())  # 2 s later, the timeout: nothing
    port.write(b"\n")  # the end of the line arrives: now the board runs the command
    print("with the newline:   ", port.readline())
