"""When nothing comes, readline() waits `timeout` s, then gives b''."""

import json

import serial

import simulators  # noqa: F401 (lets pyserial open sim://)

# command_listener says hello, then waits for a command you send:
# it prints nothing else
URL = "sim://uno?sketch=command_listener&seed=7&clock=virtual"

with serial.serial_for_url(URL, baudrate=9600, timeout=2) as port:
    print(port.readline())  # the banner
    clock = port.world.clock  # the board's clock, in simulated seconds
    start = clock.now()
    raw = port.readline()  # nothing comes: after 2 s, readline gives up
    print(repr(raw), "after waiting", clock.now() - start, "s")
    try:
        json.loads(raw)  # the mistake: an empty line is not a reading
    except json.JSONDecodeError as e:
        print(f"{type(e).__name__}: {e}")
    if not raw:  # the fix: b'' means "nothing came in time"
        print("no reading: the right sketch? the right baud rate?")
