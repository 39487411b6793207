"""$ GPIOZERO_PIN_FACTORY=sim python blink_program.py"""

from terminal import run

run("lessons/examples/14-pi/blink_program.py", GPIOZERO_PIN_FACTORY="sim")
