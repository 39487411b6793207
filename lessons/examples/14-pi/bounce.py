"""A button that toggles the LED: a bouncing contact toggles it twice; bounce_time fixes it."""

from gpiozero import LED, Button, Device

from simulators import World

world = World(seed=1, clock="virtual")
Device.pin_factory = world.pi_factory()
hand = Device.pin_factory.parts["button"]


def press_ten_times(button, led):
    """Press the button 10 times; print what the LED did after each press."""
    seen = []
    for _ in range(10):
        hand.press(duration=0.2)  # hold it for 0.2 s
        world.clock.advance(0.5)
        seen.append("lit " if led.is_lit else "dark")
    print("the LED after each press:", " ".join(seen))


led = LED(17)
# --8<-- [start:bouncing]
button = Button(2)
button.when_pressed = led.toggle  # each press switches the LED over
press_ten_times(button, led)
# --8<-- [end:bouncing]
button.close()
led.off()

# --8<-- [start:debounced]
button = Button(2, bounce_time=0.05)  # after an edge, ignore the pin for 50 ms
button.when_pressed = led.toggle
press_ten_times(button, led)
# --8<-- [end:debounced]
