"""The heater by the clock: on from 06:30 to 08:30. The room follows, slowly."""

from datetime import time

from gpiozero import Device, OutputDevice

from simulators import World

world = World(seed=1, clock="virtual")  # simulated time starts on a Monday at 06:00
Device.pin_factory = world.pi_factory()

# --8<-- [start:rule]
heater = OutputDevice(27)  # the heater's relay

HEAT_FROM = time(6, 30)  # 06:30
HEAT_UNTIL = time(8, 30)  # 08:30


def heater_rule(now):
    """Heat from HEAT_FROM (included) until HEAT_UNTIL (not included)."""
    if HEAT_FROM <= now.time() < HEAT_UNTIL:
        heater.on()
    else:
        heater.off()
# --8<-- [end:rule]


# --8<-- [start:loop]
for minute in range(4 * 60):  # four hours; on a real Pi: while True:
    now = world.clock.datetime()  # on a real Pi: now = datetime.now()
    heater_rule(now)
    if minute % 30 == 0:
        state = "on" if heater.is_active else "off"
        print(now.strftime("%a %H:%M"), f"{world.room.temperature():5.1f} °C, heater {state}")
    world.clock.advance(60)  # on a real Pi: sleep(60)
# --8<-- [end:loop]
