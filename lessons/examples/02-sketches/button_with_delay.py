"""button_with_delay: blink with delay(), and light the LED on D5 while the button is held.

It misses short presses: while delay() waits, nothing looks at the button.
"""

from simulators.arduino import (
    HIGH,
    INPUT_PULLUP,
    LED_BUILTIN,
    LOW,
    OUTPUT,
    delay,
    digitalRead,
    digitalWrite,
    pinMode,
)

BUTTON_PIN = 3  # the button, between D3 and GND
LED_PIN = 5  # the second LED


def setup():
    pinMode(LED_BUILTIN, OUTPUT)
    pinMode(LED_PIN, OUTPUT)
    pinMode(BUTTON_PIN, INPUT_PULLUP)  # reads HIGH, and LOW while the button is pressed


# --8<-- [start:loop]
def loop():
    if digitalRead(BUTTON_PIN) == LOW:  # pressed?
        digitalWrite(LED_PIN, HIGH)
    else:
        digitalWrite(LED_PIN, LOW)
    digitalWrite(LED_BUILTIN, HIGH)
    delay(1000)  # for this second, and the next, the button is not looked at
    digitalWrite(LED_BUILTIN, LOW)
    delay(1000)
# --8<-- [end:loop]
