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

The Raspberry Pi's wiring can also come from a TOML file, so a program written for other
pins (gpiozero's recipes, a tutorial) runs unchanged: ``SIM_PI_WIRING`` names the file, or
one of the built-in layouts in ``simulators/pi_wiring/`` (``course``, ``recipes``, ...).
A Pi wiring has GPIO pins and, on the SPI bus, MCP3008 converters whose channels carry the
analog parts::

    description = "A knob and an LED"

    [pins]
    GPIO17 = { part = "led", name = "led" }

    [spi.CE0]                 # an MCP3008 with its CS on CE0 (GPIO8)
    chip = "mcp3008"
    name = "adc"
    CH0 = { part = "potentiometer", name = "knob" }

:func:`load_pi_wiring` reads a file, a built-in layout or a dict into a :class:`PiWiring`;
its errors name the file, the pin and what to fix.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = [
    "UNO_WIRING",
    "PI_WIRING",
    "SPI_SELECT_PINS",
    "PiWiring",
    "WiringWarning",
    "load_pi_wiring",
    "pi_layouts",
    "parse_uno_pin",
    "parse_pi_pin",
    "normalise_wiring",
]

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


def normalise_wiring(wiring: dict[Any, Any], parse_pin: Any, *,
                     source: str | None = None) -> dict[int, dict[str, Any]]:
    """Check a wiring and return it keyed by pin number, each part with a name.

    ``source`` names where the wiring came from (a file) at the start of every error.
    """
    where = f"{source}: " if source else ""
    result: dict[int, dict[str, Any]] = {}
    names: set[str] = set()
    for pin, spec in wiring.items():
        try:
            number = parse_pin(pin)
        except ConfigError as exc:
            raise ConfigError(f"{where}{exc}") from None
        spec = _part_spec(spec, f"{where}pin {pin}", default_name=f"{_kind(spec)}{number}")
        if spec["name"] in names:
            raise ConfigError(f"{where}pin {pin}: two parts are named {spec['name']!r}; "
                              "give each part its own name")
        if number in result:
            raise ConfigError(f"{where}pin {pin} is wired twice ({pin!r} and another name "
                              f"for pin {number})")
        names.add(spec["name"])
        result[number] = spec
    return result


def _kind(spec: Any) -> str:
    if isinstance(spec, str):
        return spec
    return str(spec.get("part", "part")) if isinstance(spec, dict) else "part"


def _part_spec(spec: Any, where: str, *, default_name: str) -> dict[str, Any]:
    """One part: ``"led"`` or ``{"part": "led", "name": ..., options...}`` -> a dict with
    ``part`` and ``name``."""
    if isinstance(spec, str):
        spec = {"part": spec}
    if not isinstance(spec, dict) or not isinstance(spec.get("part"), str):
        raise ConfigError(f'{where}: a part is a table with its kind, like '
                          f'{{ part = "led", name = "led" }}, not {spec!r}')
    spec = dict(spec)
    spec.setdefault("name", default_name)
    if not isinstance(spec["name"], str) or not spec["name"]:
        raise ConfigError(f"{where}: a part's name is a word, not {spec['name']!r}")
    return spec


# -- the Raspberry Pi's wiring files ------------------------------------------------------

#: The Pi's hardware SPI bus (SPI0): the chip-select pin of CE0 and CE1, and the bus pins
#: every chip on it shares. gpiozero's ``MCP3008(channel=0)`` uses CE0.
SPI_SELECT_PINS = {"CE0": 8, "CE1": 7}
SPI_BUS_PINS = {"SCLK": 11, "MOSI": 10, "MISO": 9}

_SECTIONS = ("description", "pins", "spi")
_CHIP_KEYS = ("chip", "name")


class WiringWarning(UserWarning):
    """gpiozero made a device on a pin the simulated Pi's wiring does not fit: a Servo on
    the LED's pin, an LED on a pin with nothing wired to it. The program still runs (the
    device drives or reads whatever is there); the message says which wiring would fit.
    Silence it with ``warnings.simplefilter("ignore", WiringWarning)``."""


@dataclass(frozen=True)
class PiWiring:
    """A Raspberry Pi's wiring, checked: which part is on which GPIO, which chips on SPI.

    :param name: the layout's name (``"recipes"``) or the file's name without ``.toml``.
    :param source: how messages name it: ``built-in wiring 'recipes'``,
        ``wiring file my_pi.toml``.
    :param description: one line on what it is for.
    :param pins: GPIO number -> part (``{"part": "led", "name": "led", ...options}``).
    :param spi: ``"CE0"``/``"CE1"`` -> chip: ``{"chip": "mcp3008", "name": "adc",
        "options": {...}, "channels": {0: part, ...}}``.
    """

    name: str
    source: str
    description: str = ""
    pins: dict[int, dict[str, Any]] = field(default_factory=dict)
    spi: dict[str, dict[str, Any]] = field(default_factory=dict)

    def part_names(self) -> list[str]:
        """The name of every part and chip, in wiring order."""
        names = [spec["name"] for spec in self.pins.values()]
        for chip in self.spi.values():
            names.append(chip["name"])
            names += [spec["name"] for spec in chip["channels"].values()]
        return names


def pi_layouts() -> list[str]:
    """The names of the built-in Pi wirings (the TOML files in ``simulators/pi_wiring/``)."""
    folder = resources.files(__package__).joinpath("pi_wiring")
    return sorted(item.name[:-5] for item in folder.iterdir() if item.name.endswith(".toml"))


def load_pi_wiring(wiring: PiWiring | dict[Any, Any] | str | os.PathLike[str]) -> PiWiring:
    """Read a Pi wiring from a built-in layout's name (``"recipes"``), a TOML file's path,
    or a dict: ``{"pins": {...}, "spi": {...}}``, or just ``{pin: part}``.

    Raises :class:`~simulators.errors.ConfigError` naming the file, the pin and the fix.
    """
    if isinstance(wiring, PiWiring):
        return wiring
    if isinstance(wiring, dict):
        return _pi_wiring_from_dict(wiring, name="custom", source="the wiring given")
    text = os.fspath(wiring)
    looks_like_path = not isinstance(wiring, str) or text.endswith(".toml") or os.sep in text
    if not looks_like_path and text in pi_layouts():
        resource = resources.files(__package__).joinpath("pi_wiring", f"{text}.toml")
        return _pi_wiring_from_toml(resource.read_text(encoding="utf-8"), name=text,
                                    source=f"built-in wiring {text!r}")
    path = Path(text)
    if not path.is_file():
        raise ConfigError(
            f"no Pi wiring {text!r}: not a built-in layout ({', '.join(pi_layouts())}) and "
            "no such file. Give a layout's name or the path of a .toml wiring file "
            "(simulators/README.md shows the format).")
    return _pi_wiring_from_toml(path.read_text(encoding="utf-8"), name=path.stem,
                                source=f"wiring file {path}")


def _pi_wiring_from_toml(text: str, *, name: str, source: str) -> PiWiring:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    if not ("pins" in data or "spi" in data):
        raise ConfigError(f"{source}: a Pi wiring needs a [pins] table (and may have "
                          "[spi.CE0]): nothing is wired")
    return _pi_wiring_from_dict(data, name=name, source=source)


def _pi_wiring_from_dict(data: dict[Any, Any], *, name: str, source: str) -> PiWiring:
    if not ({"pins", "spi"} & set(data)):
        data = {"pins": data}  # the short form: {pin: part}
    unknown = [key for key in data if key not in _SECTIONS]
    if unknown:
        raise ConfigError(f"{source}: unknown section {unknown[0]!r}; a Pi wiring has "
                          "description, [pins] and [spi.CE0] / [spi.CE1]")
    pins, spi = data.get("pins", {}), data.get("spi", {})
    if not isinstance(pins, dict) or not isinstance(spi, dict):
        raise ConfigError(f"{source}: [pins] and [spi] are tables")
    wiring = PiWiring(name=name, source=source, description=str(data.get("description", "")),
                      pins=normalise_wiring(pins, parse_pi_pin, source=source),
                      spi={select: _spi_chip(chip, select, source)
                           for select, chip in spi.items()})
    _check_unique_names(wiring)
    _check_spi_pins(wiring)
    return wiring


def _spi_chip(chip: Any, select: str, source: str) -> dict[str, Any]:
    """One ``[spi.CE0]`` table: the chip, its options, its channels ``CH0``-``CH7``."""
    where = f"{source}: [spi.{select}]"
    if select not in SPI_SELECT_PINS:
        raise ConfigError(f"{where}: the Pi's SPI bus has chip selects CE0 (GPIO8) and CE1 "
                          f"(GPIO7), not {select!r}")
    if not isinstance(chip, dict):
        raise ConfigError(f"{where}: a chip is a table, like chip = \"mcp3008\"")
    result: dict[str, Any] = {"chip": chip.get("chip", "mcp3008"),
                              "name": chip.get("name", f"adc{select[-1]}" if select != "CE0"
                                               else "adc"),
                              "options": {}, "channels": {}}
    for key, value in chip.items():
        if key in _CHIP_KEYS:
            continue
        channel = _channel_number(key)
        if channel is None:
            result["options"][key] = value
        else:
            result["channels"][channel] = _part_spec(
                value, f"{where} {key}", default_name=f"{_kind(value)}_ch{channel}")
    return result


def _channel_number(key: str) -> int | None:
    """``"CH3"`` -> 3; anything else (an option such as ``vref``) -> None."""
    text = str(key).upper()
    if text.startswith("CH") and text[2:].isdigit():
        return int(text[2:])
    return None


def _check_unique_names(wiring: PiWiring) -> None:
    seen: set[str] = set()
    for name in wiring.part_names():
        if name in seen:
            raise ConfigError(f"{wiring.source}: two parts are named {name!r}; "
                              "give each part its own name")
        seen.add(name)


def _check_spi_pins(wiring: PiWiring) -> None:
    """A chip on SPI takes the bus pins and its chip select: nothing else may sit there."""
    for select in wiring.spi:
        taken = {**{f"SPI0 {pin}": number for pin, number in SPI_BUS_PINS.items()},
                 f"SPI0 {select}": SPI_SELECT_PINS[select]}
        for role, number in taken.items():
            if number in wiring.pins:
                spec = wiring.pins[number]
                raise ConfigError(
                    f"{wiring.source}: GPIO{number} is {role}, used by the chip in "
                    f"[spi.{select}], but the {spec['part']} {spec['name']!r} is wired to it "
                    "too: move that part to a free pin")
