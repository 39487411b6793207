"""blink_and_report: blink every half second AND print the light every two seconds.

No delay(): loop() looks at the clock (millis()) and does each job when its time has come.
"""

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

BLINK_MS = 500  # how often the LED changes
REPORT_MS = 2000  # how often the light is printed

led_on = False
last_blink = 0  # millis() when the LED last changed
last_report = 0  # millis() when the light was last printed


def setup():
    pinMode(LED_BUILTIN, OUTPUT)
    Serial.begin(9600)


def loop():
    global led_on, last_blink, last_report  # loop() changes these, so say they are global
    now = millis()
    if now - last_blink >= BLINK_MS:  # job 1: is it time to change the LED?
        last_blink = now
        led_on = not led_on
        digitalWrite(LED_BUILTIN, HIGH if led_on else LOW)
    if now - last_report >= REPORT_MS:  # job 2: is it time to print the light?
        last_report = now
        Serial.print("light:")
        Serial.println(analogRead(A0))
