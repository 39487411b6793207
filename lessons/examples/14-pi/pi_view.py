"""The board view of the simulated Pi at dusk, as an SVG picture.

In a notebook, `Device.pin_factory.view()` shows the same picture live.
"""

from datetime import UTC, datetime

from gpiozero import LED, Device, OutputDevice

from simulators import World

evening = datetime(2026, 1, 5, 17, 40, tzinfo=UTC)
world = World(seed=1, clock="virtual", start=evening)
Device.pin_factory = world.pi_factory()
view = Device.pin_factory.view()  # in JupyterLab: the live picture

led, lamp, heater = LED(17), OutputDevice(24), OutputDevice(27)
led.on()
lamp.on()
heater.on()
world.room.trigger_motion(30)  # someone walks by now
world.clock.advance(10)
view.refresh(force=True)
print(view.to_svg())
view.close()
