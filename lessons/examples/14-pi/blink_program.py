"""Blink the LED on GPIO17 three times: a plain gpiozero program, as on a real Pi.

Nothing in it mentions the simulator. On a Pi: `python blink_program.py`.
Here: `GPIOZERO_PIN_FACTORY=sim python blink_program.py`.
"""

from time import sleep

from gpiozero import LED, Device

led = LED(17)
print("pin factory:", type(Device.pin_factory).__name__)
for blink in range(1, 4):
    led.on()
    sleep(0.2)
    led.off()
    sleep(0.2)
    print("blink", blink)
print("done")
