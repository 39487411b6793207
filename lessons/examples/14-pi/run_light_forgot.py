"""$ GPIOZERO_PIN_FACTORY=sim python light_forgot.py"""

from terminal import run

run("lessons/examples/14-pi/light_forgot.py", say_end=True, GPIOZERO_PIN_FACTORY="sim")
