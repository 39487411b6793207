"""loopback: sends back every byte it receives, like a wire from TX to RX (for testing ports).

A classic Arduino echo sketch: ``loop()`` polls ``Serial.available()`` and writes back what
it reads. It keeps up with what the host sends at any baud rate, so nothing is lost.
PARAMS: ``baud`` (default 9600), ``banner`` (default 1; 0 turns the boot line off, so the
port echoes exactly what is written: ``sim://uno?sketch=loopback&banner=0``).
"""

from simulators.arduino import Serial
from simulators.sketches._pins import BAUD, banner

SPEED = int(PARAMS.get("baud", BAUD))  # noqa: F821 (PARAMS is given by the board)


def setup():
    Serial.begin(SPEED)
    banner("loopback", PARAMS)  # noqa: F821


def loop():
    while Serial.available() > 0:
        Serial.write(Serial.read())
