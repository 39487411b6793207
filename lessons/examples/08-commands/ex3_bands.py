"""Exercise 3: a narrower and a wider band, measured over the same winter day."""

from thermostat import day_without_hub


# --8<-- [start:band]
def band(low: float, high: float):
    """A thermostat rule like heater_should_be_on(), with the limits low and high."""

    def rule(temperature: float, heater_on: bool) -> bool:
        if temperature < low:
            return True
        if temperature > high:
            return False
        return heater_on

    return rule
# --8<-- [end:band]


for low, high in [(19.5, 20.5), (19.0, 21.0), (18.0, 22.0)]:
    switches, coldest, warmest = day_without_hub(band(low, high))
    print(f"{low}-{high} °C: {switches:3} switches a day, "
          f"the room from {coldest:.1f} to {warmest:.1f} °C")
