"""Switch the LED on GPIO17 on and off with gpiozero, on the simulated Pi."""

from gpiozero import LED, Device

from simulators import World

# --8<-- [start:factory]
world = World(seed=1, clock="virtual")  # a simulated room, with its own clock
Device.pin_factory = world.pi_factory()  # gpiozero drives the simulated pins
# --8<-- [end:factory]

# --8<-- [start:program]
led = LED(17)  # the LED wired to GPIO17
led.on()
print("after led.on(): ", led.is_lit)
led.off()
print("after led.off():", led.is_lit)
# --8<-- [end:program]

# --8<-- [start:parts]
parts = Device.pin_factory.parts  # the simulated parts on the breadboard, by name
led.on()
print("the LED on the breadboard is lit:", parts["led"].is_lit)
print("its brightness:", parts["led"].brightness)
# --8<-- [end:parts]
led.close()
