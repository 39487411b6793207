"""Read the DHT22 with retries: wait 2 seconds after a failed read, then try again."""

from gpiozero import Device

from simulators import DHT22, World

world = World(seed=74, clock="virtual")  # a seed whose first two reads fail
Device.pin_factory = world.pi_factory()


# --8<-- [start:retry]
def read_temperature(dht, sleep, tries=5):
    """The DHT22's temperature, or None when `tries` reads in a row failed."""
    for attempt in range(1, tries + 1):
        try:
            return dht.temperature
        except RuntimeError as error:
            print(f"try {attempt}: {error}")
            if attempt < tries:
                sleep(2)  # the sensor answers again only 2 seconds after a read
    return None
# --8<-- [end:retry]


# --8<-- [start:call]
dht = DHT22(23)
temperature = read_temperature(dht, world.clock.sleep)  # on a Pi: time.sleep
print(f"{temperature} °C after {world.clock.now():.0f} simulated seconds")
# --8<-- [end:call]
