"""Run two_blinks.py for 2 simulated seconds; print both LEDs' changes in time order."""

from simulators import World

with World(seed=1) as world:
    uno = world.add_uno("lessons/examples/02-sketches/two_blinks.py")
    world.clock.advance(2)
    events = []
    for name in ("builtin", "led"):
        for seconds, brightness in uno.parts[name].history:
            events.append((seconds, f"{name} {'on' if brightness else 'off'}"))

for seconds, what in sorted(events):
    print(f"{seconds:5.3f} s  {what}")
