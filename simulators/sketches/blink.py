"""blink: the built-in LED (D13) on for a second, off for a second.

PARAMS: ``interval`` (ms, default 1000).
"""

from simulators.arduino import HIGH, LED_BUILTIN, LOW, OUTPUT, delay, digitalWrite, pinMode

INTERVAL_MS = int(PARAMS.get("interval", 1000))  # noqa: F821 (PARAMS is given by the board)


def setup():
    pinMode(LED_BUILTIN, OUTPUT)


def loop():
    digitalWrite(LED_BUILTIN, HIGH)
    delay(INTERVAL_MS)
    digitalWrite(LED_BUILTIN, LOW)
    delay(INTERVAL_MS)
