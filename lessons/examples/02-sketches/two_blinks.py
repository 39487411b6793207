"""two_blinks: the built-in LED changes every 500 ms and the LED on D5 every 300 ms."""

from simulators.arduino import HIGH, LED_BUILTIN, LOW, OUTPUT, digitalWrite, millis, pinMode

LED_PIN = 5
BUILTIN_MS = 500
LED_MS = 300

builtin_on = False
led_on = False
last_builtin = 0
last_led = 0


def setup():
    pinMode(LED_BUILTIN, OUTPUT)
    pinMode(LED_PIN, OUTPUT)


def loop():
    global builtin_on, led_on, last_builtin, last_led
    now = millis()
    if now - last_builtin >= BUILTIN_MS:
        last_builtin = now
        builtin_on = not builtin_on
        digitalWrite(LED_BUILTIN, HIGH if builtin_on else LOW)
    if now - last_led >= LED_MS:
        last_led = now
        led_on = not led_on
        digitalWrite(LED_PIN, HIGH if led_on else LOW)
