"""Send text commands to the command_listener sketch and read what it answers."""

import serial

import simulators  # noqa: F401  (teaches pyserial the sim:// URLs)

URL = "sim://uno?sketch=command_listener&seed=1&clock=virtual"

with serial.serial_for_url(URL, baudrate=9600, timeout=2) as port:
    print(port.readline())  # the boot banner: the board is ready to listen
    for command in ["HEATER ON", "led 128", "SERVO 200", "FAN ON"]:
        port.write(command.encode() + b"\n")  # one command, one line
        answer = port.readline().decode().strip()  # the board answers with one line
        print(f"{command:10} -> {answer}")
    print("the room's heater is on:", port.world.room.heater_on)
