"""heartbeat: the built-in LED beats like a heart, two short flashes a second."""

from simulators.arduino import HIGH, LED_BUILTIN, LOW, OUTPUT, delay, digitalWrite, pinMode


def setup():
    pinMode(LED_BUILTIN, OUTPUT)


def loop():
    digitalWrite(LED_BUILTIN, HIGH)  # first beat
    delay(100)
    digitalWrite(LED_BUILTIN, LOW)
    delay(100)
    digitalWrite(LED_BUILTIN, HIGH)  # second beat
    delay(100)
    digitalWrite(LED_BUILTIN, LOW)
    delay(700)  # rest: 100 + 100 + 100 + 700 = 1000 ms, one heartbeat a second
