"""Run heartbeat.py for 2 simulated seconds and print every change of the LED."""

from simulators import World

with World(seed=1) as world:
    uno = world.add_uno("lessons/examples/02-sketches/heartbeat.py")
    world.clock.advance(2)
    for seconds, brightness in uno.parts["builtin"].history:
        print(f"{seconds:5.3f} s  LED {'on' if brightness else 'off'}")
