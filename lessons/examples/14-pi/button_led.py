"""A button that calls your functions: gpiozero's callbacks, on the simulated Pi."""

from gpiozero import LED, Button, Device

from simulators import World

world = World(seed=4, clock="virtual")
Device.pin_factory = world.pi_factory()
hand = Device.pin_factory.parts["button"]  # the simulated button, for your finger

# --8<-- [start:program]
led = LED(17)
button = Button(2)


def light_up():
    led.on()
    print(f"{world.clock.now():.1f} s: pressed, the LED is lit:", led.is_lit)


def go_dark():
    led.off()
    print(f"{world.clock.now():.1f} s: released, the LED is lit:", led.is_lit)


button.when_pressed = led.on  # no parentheses: gpiozero calls it at each press
button.when_released = led.off
# --8<-- [end:program]

# --8<-- [start:hand]
hand.press()  # your finger, on the simulated button
print("pressed; is the LED lit? ", led.is_lit)
world.clock.advance(1)  # one simulated second passes
hand.release()
print("released; is the LED lit?", led.is_lit)
# --8<-- [end:hand]

# --8<-- [start:functions]
button.when_pressed = light_up  # your own functions: without parentheses too
button.when_released = go_dark
world.clock.advance(1)
hand.press(duration=0.5)  # press now, let go half a second later
world.clock.advance(2)
# --8<-- [end:functions]
