"""Exercise 3: the timetable with a thermostat: 06:30 to 08:30, 19 to 21 °C."""

from datetime import time

from gpiozero import Device, OutputDevice

from simulators import DHT22, World

world = World(seed=1, clock="virtual")  # Monday 06:00
Device.pin_factory = world.pi_factory()

# --8<-- [start:rule]
heater = OutputDevice(27)
dht = DHT22(23)

HEAT_FROM, HEAT_UNTIL = time(6, 30), time(8, 30)
LOW, HIGH = 19.0, 21.0  # the band of lesson 8's thermostat


def heater_rule(now, temperature):
    """Off outside the period; inside it, on below LOW and off above HIGH."""
    if not HEAT_FROM <= now.time() < HEAT_UNTIL:
        heater.off()
    elif temperature is None:
        pass  # no reading this time: change nothing
    elif temperature < LOW:
        heater.on()
    elif temperature > HIGH:
        heater.off()


def read_temperature():
    """The DHT22's temperature, or None when the read failed."""
    try:
        return dht.temperature
    except RuntimeError:
        return None
# --8<-- [end:rule]


# --8<-- [start:loop]
warm = []  # the temperatures read from 07:00 to 08:30
switches = 0
for minute in range(4 * 60):
    now = world.clock.datetime()
    temperature = read_temperature()
    was_on = heater.is_active
    heater_rule(now, temperature)
    switches += heater.is_active != was_on
    if time(7, 0) <= now.time() < HEAT_UNTIL and temperature is not None:
        warm.append(temperature)
    if minute % 30 == 0:
        print(now.strftime("%a %H:%M"), f"{temperature} °C, heater",
              "on" if heater.is_active else "off")
    world.clock.advance(60)
print(f"from 07:00 to 08:30: {min(warm)} to {max(warm)} °C;", switches, "switches")
# --8<-- [end:loop]
