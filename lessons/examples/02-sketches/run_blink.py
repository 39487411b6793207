"""Run blink.py on a simulated Uno for 5 simulated seconds; print every change of the LED."""

from simulators import World

with World(seed=1) as world:  # a virtual clock: time moves only when you wait
    uno = world.add_uno("lessons/examples/02-sketches/blink.py")  # "upload" the sketch
    world.clock.advance(5)  # let 5 simulated seconds pass (it takes a few milliseconds)
    for seconds, brightness in uno.parts["builtin"].history:
        print(f"{seconds:5.3f} s  LED {'on' if brightness else 'off'}")
    print(f"the clock stopped at {world.clock.now():.3f} s")
