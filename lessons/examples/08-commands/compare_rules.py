"""A day in the cold room with each rule: how often the heater switches, how warm it stays."""

from thermostat import day_without_hub, heater_should_be_on, one_set_point

for rule in (one_set_point, heater_should_be_on):
    switches, low, high = day_without_hub(rule)
    print(f"{rule.__name__:20} {switches:4} switches a day, "
          f"the room from {low:.1f} to {high:.1f} °C")
