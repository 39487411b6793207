"""hub_node prints samples too: the next line waiting on the port may not be the answer."""

import serial
from device import read_answer

import simulators  # noqa: F401  (teaches pyserial the sim:// URLs)

URL = "sim://uno?sketch=hub_node&interval=1000&seed=2&clock=virtual"

with serial.serial_for_url(URL, timeout=2) as port:
    port.readline()  # the boot banner
    port.world.clock.advance(2.5)  # the program is busy elsewhere; samples pile up
    port.write(b"HEATER ON\n")
    print("readline():   ", port.readline())  # the oldest line waiting: a sample
    print("read_answer():", read_answer(port))  # skips the samples, returns the answer
