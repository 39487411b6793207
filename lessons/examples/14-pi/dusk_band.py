"""The fix: two thresholds. On below DARK; off only above BRIGHT, which the lamp never reaches."""

from datetime import UTC, datetime

from gpiozero import MCP3008, Device, OutputDevice

from simulators import World

evening = datetime(2026, 1, 5, 17, 30, tzinfo=UTC)  # simulated time starts at 17:30
world = World(seed=1, clock="virtual", start=evening)
Device.pin_factory = world.pi_factory()
light = MCP3008(channel=1)
lamp = OutputDevice(24)

# --8<-- [start:rule]
DARK = 0.4  # below this, the room needs the lamp
BRIGHT = 0.75  # above this, daylight is back: the lamp alone reads about 0.71


def dusk_rule():
    if light.value < DARK:
        lamp.on()
    elif light.value > BRIGHT:
        lamp.off()
    # in between: leave the lamp as it is
# --8<-- [end:rule]


switches = []
for _ in range(6 * 20):
    was_on = lamp.is_active
    dusk_rule()
    if lamp.is_active != was_on:
        switches.append(world.clock.datetime().strftime("%H:%M:%S"))
    world.clock.advance(10)

print(f"{len(switches)} switch in 20 minutes, at", ", ".join(switches))
state = "on" if lamp.is_active else "off"
print(f"now the light reads {light.value:.2f}, and the lamp is {state}")
