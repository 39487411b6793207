"""blink_no_pinmode: blink.py with a beginner's mistake. setup() forgets pinMode()."""

from simulators.arduino import HIGH, LED_BUILTIN, LOW, delay, digitalWrite


# --8<-- [start:setup]
def setup():
    pass  # the mistake: pin 13 is never made an OUTPUT
# --8<-- [end:setup]


def loop():
    digitalWrite(LED_BUILTIN, HIGH)
    delay(1000)
    digitalWrite(LED_BUILTIN, LOW)
    delay(1000)
