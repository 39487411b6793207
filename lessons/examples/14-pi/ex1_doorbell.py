"""Exercise 1: a doorbell. The buzzer sounds while the button is held."""

from gpiozero import Button, Buzzer, Device

from simulators import World

world = World(seed=4, clock="virtual")
Device.pin_factory = world.pi_factory()
parts = Device.pin_factory.parts

# --8<-- [start:program]
buzzer = Buzzer(22)  # the buzzer on GPIO22
button = Button(2)

button.when_pressed = buzzer.on  # no parentheses: the functions themselves
button.when_released = buzzer.off
# --8<-- [end:program]

# --8<-- [start:hand]
parts["button"].press(duration=1.5)  # someone rings for a second and a half
world.clock.advance(1)
print("after 1 s, the buzzer sounds:", parts["buzzer"].is_sounding)
world.clock.advance(1)
print("after 2 s, the buzzer sounds:", parts["buzzer"].is_sounding)
# --8<-- [end:hand]
