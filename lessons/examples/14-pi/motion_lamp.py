"""The PIR switches the lamp: on while someone moves, off the moment they stop."""

from gpiozero import Device, DigitalInputDevice, OutputDevice

from simulators import World

world = World(seed=1, clock="virtual")  # the day starts at 06:00
Device.pin_factory = world.pi_factory()


def clock():
    """The simulated time of day, as 07:12:05."""
    return world.clock.datetime().strftime("%H:%M:%S")


# --8<-- [start:program]
pir = DigitalInputDevice(4)  # the PIR's output: HIGH while it sees someone move
lamp = OutputDevice(24)  # the relay that switches the room's lamp


def someone_came():
    lamp.on()
    print(clock(), "motion:    lamp on")


def everyone_still():
    lamp.off()
    print(clock(), "no motion: lamp off")


pir.when_activated = someone_came
pir.when_deactivated = everyone_still
# --8<-- [end:program]

# --8<-- [start:run]
world.clock.advance(90 * 60)  # an hour and a half; people walk by at random
print(clock(), "no motion for", round(pir.inactive_time), "s")
# --8<-- [end:run]
