"""The DHT22 on GPIO23: read it, see it fail now and then, and what a retry too soon gives."""

from gpiozero import Device

from simulators import DHT22, World

world = World(seed=74, clock="virtual")  # a seed whose first two reads fail
Device.pin_factory = world.pi_factory()

# --8<-- [start:fail]
dht = DHT22(23)  # on a real Pi: dht = adafruit_dht.DHT22(board.D23)
try:
    print("temperature:", dht.temperature)
except RuntimeError as error:
    print(f"{type(error).__name__}: {error}")
print("again at once:", dht.temperature, dht.humidity)  # the mistake: too soon
# --8<-- [end:fail]

# --8<-- [start:count]
failed = 0
for _ in range(300):  # ten minutes, one read every 2 seconds
    world.clock.advance(2)
    try:
        temperature, humidity = dht.temperature, dht.humidity
    except RuntimeError:
        failed += 1
print(f"{failed} of 300 reads failed; the last good one: {temperature} °C, {humidity} %")
# --8<-- [end:count]
