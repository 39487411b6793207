"""Switch the simulated Pi's heater relay with gpiozero and watch the room warm up."""

from gpiozero import Device, OutputDevice

from simulators import World

world = World(seed=1, clock="virtual")  # virtual time: an hour passes in an instant
Device.pin_factory = world.pi_factory()  # gpiozero now drives simulated parts

heater = OutputDevice(27)  # the heater relay sits on GPIO27
before = world.room.temperature()
heater.on()
world.clock.advance(3600)  # one simulated hour
print(f"room: {before:.1f} °C, after an hour of heating: {world.room.temperature():.1f} °C")
heater.close()
