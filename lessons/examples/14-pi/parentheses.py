"""The mistake: a callback written with parentheses. Python calls it at once, not at a press."""

import warnings

from gpiozero import LED, Button, Device

from simulators import World

# Show each warning on stdout, as one line (a terminal shows it on stderr, with the path of
# the gpiozero file that raised it): the lesson's tests read stdout only.
warnings.simplefilter("always")
warnings.showwarning = lambda message, category, *rest: print(f"{category.__name__}: {message}")

world = World(seed=4, clock="virtual")
Device.pin_factory = world.pi_factory()
hand = Device.pin_factory.parts["button"]

led = LED(17)
button = Button(2)


def greet():
    print("Hello!")


# --8<-- [start:mistake]
button.when_pressed = greet()  # the mistake: greet() runs now, and gives None
print("when_pressed is", button.when_pressed)
button.when_released = led.on()  # the same mistake: the LED goes on now
print("before any press, the LED is lit:", led.is_lit)
# --8<-- [end:mistake]
led.off()

# --8<-- [start:press]
hand.press(duration=0.5)
world.clock.advance(1)
print("after a press: no Hello!, and the LED is lit:", led.is_lit)
# --8<-- [end:press]

# --8<-- [start:fix]
button.when_pressed = greet  # the function itself: gpiozero calls it at each press
button.when_released = led.on
hand.press(duration=0.5)
world.clock.advance(1)
print("after a press, the LED is lit:", led.is_lit)
# --8<-- [end:fix]
