"""blink: the built-in LED on for a second, off for a second (a sketch for the simulated Uno)."""

from simulators.arduino import HIGH, LED_BUILTIN, LOW, OUTPUT, delay, digitalWrite, pinMode


def setup():  # runs once, after every reset
    pinMode(LED_BUILTIN, OUTPUT)  # pin 13 drives the built-in LED


def loop():  # runs again and again, for as long as the board has power
    digitalWrite(LED_BUILTIN, HIGH)  # 5 volts on pin 13: the LED lights
    delay(1000)  # wait 1000 ms; nothing else happens meanwhile
    digitalWrite(LED_BUILTIN, LOW)  # 0 volts: the LED goes dark
    delay(1000)
