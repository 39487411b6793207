"""Board descriptions: which part sits on which pin.

A wiring is a dict from pin to part. A pin is an int (Uno: 0-19, where A0-A5 are 14-19;
Pi: the BCM GPIO number) or a name (``"D7"``, ``"A0"``, ``"GPIO17"``). A part is a dict
with its ``part`` kind (see :data:`simulators.parts.PARTS`), an optional ``name`` and its
options::

    {
        "D2": {"part": "dht22", "name": "dht", "faults": {"noise": 0.5}},
        "A0": {"part": "photoresistor", "name": "light"},
        "D7": {"part": "relay", "name": "heater", "load": "heater"},
    }

The defaults below are the course's breadboard; the lessons' diagrams show the same.
"""

from __future__ import annotations

from typing import Any

from .errors import ConfigError

__all__ = ["UNO_WIRING", "PI_WIRING", "parse_uno_pin", "parse_pi_pin", "normalise_wiring"]

#: The default Arduino Uno breadboard.
UNO_WIRING: dict[str, dict[str, Any]] = {
    "D2": {"part": "dht22", "name": "dht"},
    "D3": {"part": "button", "name": "button"},
    "D4": {"part": "pir", "name": "pir"},
    "D5": {"part": "led", "name": "led"},
    "D7": {"part": "relay", "name": "heater", "load": "heater"},
    "D8": {"part": "relay", "name": "lamp", "load": "lamp"},
    "D9": {"part": "servo", "name": "servo"},
    "D11": {"part": "buzzer", "name": "buzzer"},
    "D13": {"part": "led", "name": "builtin"},
    "A0": {"part": "photoresistor", "name": "light"},
    "A1": {"part": "potentiometer", "name": "knob"},
}

#: The default Raspberry Pi breadboard (BCM numbers, as gpiozero uses them).
PI_WIRING: dict[str, dict[str, Any]] = {
    "GPIO2": {"part": "button", "name": "button"},
    "GPIO4": {"part": "pir", "name": "pir"},
    "GPIO17": {"part": "led", "name": "led"},
    "GPIO18": {"part": "servo", "name": "servo"},
    "GPIO22": {"part": "buzzer", "name": "buzzer"},
    "GPIO23": {"part": "dht22", "name": "dht"},
    "GPIO24": {"part": "relay", "name": "lamp", "load": "lamp"},
    "GPIO27": {"part": "relay", "name": "heater", "load": "heater"},
}


def parse_uno_pin(pin: int | str) -> int:
    """``13``, ``"13"``, ``"D13"`` -> 13; ``"A0"`` -> 14 (the Uno numbers A0-A5 as 14-19)."""
    text = str(pin).strip().upper()
    try:
        if text.startswith("A"):
            number = 14 + int(text[1:])
            if not 14 <= number <= 19:
                raise ValueError
            return number
        number = int(text[1:] if text.startswith("D") else text)
    except ValueError:
        raise ConfigError(f"not an Uno pin: {pin!r} (use 0-19, D0-D13 or A0-A5)") from None
    if not 0 <= number <= 19:
        raise ConfigError(f"not an Uno pin: {pin!r} (use 0-19, D0-D13 or A0-A5)")
    return number


def parse_pi_pin(pin: int | str) -> int:
    """``17``, ``"17"``, ``"GPIO17"``, ``"BCM17"`` -> 17."""
    text = str(pin).strip().upper()
    for prefix in ("GPIO", "BCM"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    try:
        number = int(text)
    except ValueError:
        raise ConfigError(f"not a Pi GPIO pin: {pin!r} (use 0-27 or GPIO0-GPIO27)") from None
    if not 0 <= number <= 27:
        raise ConfigError(f"not a Pi GPIO pin: {pin!r} (use 0-27 or GPIO0-GPIO27)")
    return number


def normalise_wiring(wiring: dict[Any, Any], parse_pin: Any) -> dict[int, dict[str, Any]]:
    """Check a wiring and return it keyed by pin number, each part with a name."""
    result: dict[int, dict[str, Any]] = {}
    names: set[str] = set()
    for pin, spec in wiring.items():
        number = parse_pin(pin)
        if isinstance(spec, str):
            spec = {"part": spec}
        if not isinstance(spec, dict) or "part" not in spec:
            raise ConfigError(f"pin {pin}: a part is a dict with a 'part' kind, not {spec!r}")
        spec = dict(spec)
        spec.setdefault("name", f"{spec['part']}{number}")
        if spec["name"] in names:
            raise ConfigError(f"two parts are named {spec['name']!r}")
        if number in result:
            raise ConfigError(f"pin {pin} is wired twice")
        names.add(spec["name"])
        result[number] = spec
    return result
