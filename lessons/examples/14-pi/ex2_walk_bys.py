"""Exercise 2: count the walk-bys of a whole simulated day, hour by hour."""

from gpiozero import Device, DigitalInputDevice

from simulators import World

world = World(seed=1, clock="virtual")  # Monday 06:00
Device.pin_factory = world.pi_factory()

# --8<-- [start:count]
pir = DigitalInputDevice(4)
walk_bys = {}  # hour of the day -> how many walk-bys began in it


def count_walk_by():
    hour = world.clock.datetime().hour
    walk_bys[hour] = walk_bys.get(hour, 0) + 1


pir.when_activated = count_walk_by
world.clock.advance(24 * 60 * 60)  # a whole day, from 06:00 to 06:00

print("walk-bys in the day:", sum(walk_bys.values()))
for hour in (6, 7, 12, 18, 23, 2):
    print(f"  {hour:02d}:00 to {hour:02d}:59: {walk_bys.get(hour, 0)}")
# --8<-- [end:count]
