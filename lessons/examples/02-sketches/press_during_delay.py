"""Press the button while button_with_delay.py waits in delay(): the sketch misses it."""

from simulators import World

with World(seed=1) as world:
    uno = world.add_uno("lessons/examples/02-sketches/button_with_delay.py")
    button = uno.parts["button"]
    world.clock.call_later(1.0, button.press, 0.3)  # at 1.0 s, press for 0.3 s
    world.clock.call_later(3.0, button.press, 2.0)  # at 3.0 s, press and hold for 2 s
    world.clock.advance(7)
    print(f"the button was pressed {button.presses} times")
    for seconds, brightness in uno.parts["led"].history:
        print(f"{seconds:5.3f} s  LED on D5 {'on' if brightness else 'off'}")
