"""Run blink_and_report_no_global.py: the first loop() stops the board with an error."""

from simulators import World
from simulators.errors import SketchError

with World(seed=1) as world:
    uno = world.add_uno("lessons/examples/02-sketches/blink_and_report_no_global.py")
    try:
        world.clock.advance(5)
    except SketchError as error:  # what a notebook cell would show, in one line
        print(f"{type(error).__name__}: {error}")
    print(f"stopped at {world.clock.now():.3f} s; LED changes: {len(uno.parts['builtin'].history)}")
