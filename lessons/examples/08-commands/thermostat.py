"""The thermostat's rule, a cold room to try it in, and a day without the hub.

Imported by the other examples of this lesson; it prints nothing itself.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator

import serial
from device import read_answer

from simulators import World, register_board
from simulators.room import RoomSettings

# --8<-- [start:rule]
LOW = 19.0  # °C: below this, the heater goes on
HIGH = 21.0  # °C: above this, the heater goes off


def heater_should_be_on(temperature: float, heater_on: bool) -> bool:
    """The thermostat's rule, with a band: on below LOW, off above HIGH, else no change."""
    if temperature < LOW:
        return True
    if temperature > HIGH:
        return False
    return heater_on  # inside the band: keep doing what it does
# --8<-- [end:rule]


# --8<-- [start:naive]
def one_set_point(temperature: float, heater_on: bool) -> bool:
    """A thermostat without a band: on below 20 °C, off from 20 °C up."""
    return temperature < 20.0
# --8<-- [end:naive]


# --8<-- [start:board]
WINTER = RoomSettings(outside_mean=3.0, start_temperature=15.0)  # a cold January day


@contextlib.contextmanager
def winter_board(name: str = "living-room", seed: int = 1) -> Iterator[serial.SerialBase]:
    """Yield the serial port of a Uno running hub_node in a cold room (virtual clock)."""
    with World(seed=seed, room=WINTER) as world:  # the room starts at 15 °C, at 06:00
        # hub_node sends a sample every 60 s and answers commands within 1 s
        uno = world.add_uno("hub_node", params={"interval": "60000", "poll": "1000"})
        register_board(uno, name)  # now pyserial can open it as sim://living-room
        with serial.serial_for_url(f"sim://{name}", baudrate=9600, timeout=90) as port:
            port.readline()  # the boot banner
            yield port
# --8<-- [end:board]


# --8<-- [start:day]
def day_without_hub(rule: Callable[[float, bool], bool]) -> tuple[int, float, float]:
    """Run a rule for 24 simulated hours, switching the board directly (no hub).

    Returns how many times the heater switched, and the lowest and highest temperature
    read after the first hour (while the room warms up from 15 °C).
    """
    with winter_board() as port:
        heater_on = False
        temperatures = []
        for minute in range(24 * 60):
            sample = json.loads(port.readline())  # one sample a minute
            temperature = sample["temperature"]
            if temperature is None:  # the DHT22 failed this time: wait for the next one
                continue
            if minute >= 60:
                temperatures.append(temperature)
            wanted = rule(temperature, heater_on)
            if wanted != heater_on:
                port.write(b"HEATER ON\n" if wanted else b"HEATER OFF\n")
                read_answer(port)
                heater_on = wanted
        switches = port.board.parts["heater"].switches  # the relay counts its switchings
        return switches, min(temperatures), max(temperatures)
# --8<-- [end:day]
