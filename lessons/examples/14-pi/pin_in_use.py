"""The mistake: a second device on a pin that is in use. gpiozero refuses with GPIOPinInUse."""

from gpiozero import LED, Device
from gpiozero.exc import GPIOPinInUse

from simulators import World

world = World(seed=1, clock="virtual")
Device.pin_factory = world.pi_factory()

# --8<-- [start:mistake]
led = LED(17)
led.on()
try:
    led = LED(17)  # run the cell again, and this line runs again
except GPIOPinInUse as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:mistake]

# --8<-- [start:close]
led.close()  # give the pin back
led = LED(17)  # now the pin is free
print("a new LED on GPIO17, lit:", led.is_lit)
led.close()
# --8<-- [end:close]

# --8<-- [start:with]
with LED(17) as led:  # close() happens at the end of the block, even after an error
    led.on()
    print("inside the with block, lit:", led.is_lit)
print("after the block, closed:", led.closed)
# --8<-- [end:with]
