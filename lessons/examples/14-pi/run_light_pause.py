"""$ GPIOZERO_PIN_FACTORY=sim python light_pause.py, then Ctrl+C three seconds later."""

from terminal import run

run("lessons/examples/14-pi/light_pause.py", ctrl_c_after=3, GPIOZERO_PIN_FACTORY="sim")
