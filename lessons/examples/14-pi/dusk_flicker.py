"""The mistake: a dusk lamp with one threshold. The lamp lights the sensor, and flickers."""

from datetime import UTC, datetime

from gpiozero import MCP3008, Device, OutputDevice

from simulators import World

evening = datetime(2026, 1, 5, 17, 30, tzinfo=UTC)  # simulated time starts at 17:30
world = World(seed=1, clock="virtual", start=evening)
Device.pin_factory = world.pi_factory()

# --8<-- [start:rule]
light = MCP3008(channel=1)  # the photoresistor: 0.0 (dark) to 1.0 (very bright)
lamp = OutputDevice(24)

DARK = 0.4  # below this, the room needs the lamp


def dusk_rule():
    if light.value < DARK:
        lamp.on()
    else:
        lamp.off()
# --8<-- [end:rule]


# --8<-- [start:loop]
switches = []
for _ in range(6 * 20):  # on a real Pi: while True:
    was_on = lamp.is_active
    dusk_rule()
    if lamp.is_active != was_on:
        switches.append(world.clock.datetime().strftime("%H:%M:%S"))
    world.clock.advance(10)  # on a real Pi: sleep(10)

print(len(switches), "switches in 20 minutes, the first at", ", ".join(switches[:4]))
state = "on" if lamp.is_active else "off"
print(f"now the light reads {light.value:.2f}, and the lamp is {state}")
# --8<-- [end:loop]
