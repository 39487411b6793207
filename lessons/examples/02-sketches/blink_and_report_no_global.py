"""blink_and_report_no_global: blink_and_report.py with a beginner's mistake (no `global`)."""

# ruff: noqa: F823, F841  (the mistake on purpose: ruff sees it too, before the board does)

from simulators.arduino import (
    A0,
    HIGH,
    LED_BUILTIN,
    LOW,
    OUTPUT,
    Serial,
    analogRead,
    digitalWrite,
    millis,
    pinMode,
)

BLINK_MS = 500
REPORT_MS = 2000

led_on = False
last_blink = 0
last_report = 0


def setup():
    pinMode(LED_BUILTIN, OUTPUT)
    Serial.begin(9600)


# --8<-- [start:loop]
def loop():
    # the mistake: no `global led_on, last_blink, last_report` line here
    now = millis()
    if now - last_blink >= BLINK_MS:
        last_blink = now
        led_on = not led_on
        digitalWrite(LED_BUILTIN, HIGH if led_on else LOW)
    if now - last_report >= REPORT_MS:
        last_report = now
        Serial.print("light:")
        Serial.println(analogRead(A0))
# --8<-- [end:loop]
