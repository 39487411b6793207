"""Run blink_no_pinmode.py: the sketch runs without an error, and the LED never lights."""

from simulators import World
from simulators.arduino import OUTPUT

with World(seed=1) as world:
    uno = world.add_uno("lessons/examples/02-sketches/blink_no_pinmode.py")
    world.clock.advance(5)
    led = uno.parts["builtin"]
    print(f"LED changes in 5 s: {len(led.history)}")
    print(f"LED lit now: {led.is_lit}")
    print(f"pin 13 is an output: {uno.modes[13] == OUTPUT}")
