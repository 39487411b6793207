"""command_listener: obeys text commands (LED ON, HEATER ON, SERVO 90, ...): OK ... or ERR ...

One command per line, case-insensitive: ``LED ON|OFF|0-255``, ``HEATER ON|OFF``,
``LAMP ON|OFF``, ``SERVO 0-180``, ``BUZZER ON|OFF|<Hz>``, ``PING``.
PARAMS: ``baud`` (default 9600), ``banner`` (default 1; 0 turns the boot line off).
"""

from simulators.arduino import Serial
from simulators.sketches._pins import BAUD, Commands, banner

SPEED = int(PARAMS.get("baud", BAUD))  # noqa: F821 (PARAMS is given by the board)

commands = Commands()


def setup():
    Serial.begin(SPEED)
    commands.setup()
    banner("command_listener", PARAMS)  # noqa: F821


def loop():
    commands.poll()
