"""Scenarios: check a sketch offline with a small YAML file (``python -m simulators run``).

A scenario starts a simulated Uno with a sketch, then plays a list of steps on the
world's virtual clock: press a button, turn the knob, dim the room, send a line to the
serial port, wait for the board's answer, check that an LED is lit or that the last JSON
line holds a temperature in range. Nothing waits in real time and nothing goes online, so
a scenario runs in well under a second and runs the same way every time for its seed.
The course and CI use it to check a student's sketch; a notebook can call it too::

    from simulators.scenario import run_scenario

    report = run_scenario("simulators/scenarios/blink.yaml", sketch="my_blink.py")
    report.print()                  # one line per step: ✓/✗, time, expected, seen
    assert report.passed

A scenario file::

    name: the heater obeys
    sketch: command_listener        # a built-in sketch, or my_sketch.py next to this file
    steps:
      - wait_for: ready             # the banner, printed 0.5 s after power-on
      - send: HEATER ON
      - wait_for: OK HEATER ON
        timeout: 1 s
      - expect:
          heater: on
          pins: {D7: HIGH}

How it works. The steps run as one generator (like a SimPy process): a step that takes
time *yields* a pause (sleep until a time, or wait for a serial line), and the runner
resumes it from an event on the world's clock. So a step happens at exactly its simulated
time, even while the sketch is in the middle of a ``delay()``: ``wait: 0.6 s`` on ``blink``
sees the LED that went on at 0.5 s. The runner is the host end of the serial port, opened
through pyserial (``sim://``), and reads every byte the moment the board sends it.

``simulators/README.md`` (section "Scenarios") lists every step and every check.
"""

from __future__ import annotations

import difflib
import inspect
import io
import json
import math
import re
import sys
import traceback
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import serial
import yaml
from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from .errors import ConfigError, SketchError
from .parts import PARTS, Faults, Part
from .room import Room
from .uno import INPUT_PULLUP, OUTPUT, SKETCHES, sketch_path
from .wiring import UNO_WIRING, normalise_wiring, parse_uno_pin
from .world import World, register_board

if TYPE_CHECKING:
    import argparse

    from .uno import Uno

__all__ = [
    "EXAMPLES",
    "Report",
    "Scenario",
    "ScenarioError",
    "SerialLine",
    "StepResult",
    "load_scenario",
    "run_from_args",
    "run_scenario",
]

#: The example scenarios shipped with the package (name -> file).
EXAMPLES = {p.stem: p for p in sorted(Path(__file__).with_name("scenarios").glob("*.yaml"))}

DEFAULT_BAUD = 9600
DEFAULT_TIMEOUT_US = 5_000_000  # how long wait_for waits unless told
TOP_LEVEL_KEYS = ("name", "sketch", "seed", "params", "wiring", "faults", "baud", "steps")
RESERVED_NAMES = ("room", "json", "pins")  # words `expect` uses: no part may be called so


class ScenarioError(ConfigError):
    """The scenario file is wrong; the message names the step and the key to fix."""


# -- small readers for the values a scenario contains -------------------------------------


class _Where:
    """Where in the scenario a value comes from, so an error can say what to fix."""

    def __init__(self, source: str, number: int | None = None, action: str | None = None):
        self.source = source
        self.number = number
        self.action = action

    def fail(self, message: str) -> ScenarioError:
        """A :class:`ScenarioError` for ``message``, prefixed with the file and step."""
        if self.number is None:
            return ScenarioError(f"{self.source}: {message}")
        action = f" ({self.action})" if self.action else ""
        return ScenarioError(f"{self.source}, step {self.number}{action}: {message}")


_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|min|h)?\s*$")
_UNIT_US = {"ms": 1_000, "s": 1_000_000, "min": 60_000_000, "h": 3_600_000_000, None: 1_000_000}


def _duration(value: Any, key: str, where: _Where) -> int:
    """``2``, ``"2 s"``, ``"500 ms"``, ``"1.5 min"`` -> microseconds (a bare number is seconds)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return int(round(value * 1_000_000))
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None:
        raise where.fail(f"{key!r} should be a duration like 2 s or 500 ms, not {value!r}")
    return int(round(float(match[1]) * _UNIT_US[match[2]]))


def _show_duration(us: int) -> str:
    """Microseconds as a person writes them: ``500 ms``, ``2 s``."""
    if us < 1_000_000:
        return f"{us / 1000:g} ms"
    return f"{us / 1_000_000:g} s"


def _number(value: Any, key: str, where: _Where) -> float:
    """A number (not a boolean: YAML reads ``on`` and ``yes`` as true)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    raise where.fail(f"{key!r} should be a number, not {value!r}")


def _text(value: Any, key: str, where: _Where) -> str:
    """A piece of text. YAML turns a bare ON, OFF, YES or NO into true/false: ask for quotes."""
    if isinstance(value, bool):
        raise where.fail(f"{key!r}: YAML read this as {value}; put the text in quotes, "
                         f"e.g. {key}: 'ON'")
    if isinstance(value, str | int | float) and str(value) != "":
        return str(value)
    raise where.fail(f"{key!r} should be a piece of text, not {value!r}")


def _mapping(value: Any, key: str, where: _Where, example: str) -> dict[Any, Any]:
    if not isinstance(value, dict) or not value:
        raise where.fail(f"{key!r} should be a mapping like {example}, not {value!r}")
    return value


def _a(kind: str) -> str:
    """``a relay``, ``an LED``: a part kind with its article."""
    if kind == "led":
        return "an LED"
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"


def _show(value: Any) -> str:
    """A value as the report shows it (floats with at most 3 decimals)."""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# -- what `expect` can check ---------------------------------------------------------------


@dataclass(frozen=True)
class Matcher:
    """What a value must be: equal to ``equals`` (numbers within ``within``) or in a range."""

    equals: Any = None
    low: float | None = None
    high: float | None = None
    within: float = 0.0
    is_range: bool = False

    def __call__(self, value: Any) -> bool:
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if self.is_range:
            return (numeric and (self.low is None or value >= self.low)
                    and (self.high is None or value <= self.high))
        wanted_numeric = isinstance(self.equals, int | float) and not isinstance(self.equals, bool)
        if numeric and wanted_numeric:
            return abs(value - self.equals) <= self.within + 1e-9
        return value == self.equals

    def describe(self, show: Callable[[Any], str] = _show) -> str:
        """``between 15 and 30``, ``at least 700``, ``90 ± 2``, ``lit``."""
        if self.is_range:
            if self.low is not None and self.high is not None:
                return f"between {_show(self.low)} and {_show(self.high)}"
            return f"at least {_show(self.low)}" if self.low is not None else \
                f"at most {_show(self.high)}"
        if self.within:
            return f"{show(self.equals)} ± {_show(self.within)}"
        return show(self.equals)


def _matcher(value: Any, key: str, where: _Where, within: float) -> Matcher:
    """A matcher from ``21.5``, ``{between: [15, 30]}``, ``{min: 700}``, ``{max: 150}``..."""
    if isinstance(value, list):
        raise where.fail(f"{key!r} should be one value or a range such as "
                         f"{{between: {value}}}, not a list")
    if not isinstance(value, dict):
        return Matcher(equals=value, within=within)
    unknown = set(value) - {"between", "min", "max"}
    if unknown:
        raise where.fail(f"{key!r}: unknown {sorted(unknown)[0]!r}; a range is "
                         "{between: [LOW, HIGH]}, {min: LOW} or {max: HIGH}")
    if "between" in value:
        pair = value["between"]
        if not (isinstance(pair, list) and len(pair) == 2) or len(value) > 1:
            raise where.fail(f"{key!r}: between takes two numbers, e.g. between: [15, 30]")
        low, high = (_number(v, key, where) for v in pair)
    else:
        low = _number(value["min"], key, where) if "min" in value else None
        high = _number(value["max"], key, where) if "max" in value else None
    if low is not None and high is not None and low > high:
        raise where.fail(f"{key!r}: the range's low end {_show(low)} is above its high end "
                         f"{_show(high)}")
    return Matcher(low=low, high=high, is_range=True)


class _Unavailable(Exception):
    """A check could not read its value (no JSON line yet, a missing field)."""


@dataclass(frozen=True)
class Check:
    """One thing ``expect`` checks: a label, how to read the value, what it must be."""

    label: str  # "servo angle", "heater", "json temperature", "pin D13"
    read: Callable[[Runner], Any]
    matcher: Matcher
    words: tuple[str, str] | None = None  # how to say true and false ("lit", "dark")

    def show(self, value: Any) -> str:
        """The value in this check's words (``lit`` rather than ``true``)."""
        if self.words is not None and value in (True, False) and not isinstance(value, float):
            return self.words[0] if value else self.words[1]
        return _show(value)

    def expected(self) -> str:
        return f"{self.label} {self.matcher.describe(self.show)}"


@dataclass(frozen=True)
class _PartView:
    """How ``expect`` reads one kind of part."""

    properties: dict[str, Callable[[Part], Any]]
    state: str | None = None  # the yes/no property that a word (lit, on, ...) checks
    words: tuple[str, str] | None = None  # how to say that property's true and false
    number: str | None = None  # the property a bare number checks


#: What ``expect`` can read on each kind of part. The DHT22 is missing on purpose: reading
#: it would use up one of the sensor's reads; check the room or the sketch's JSON instead.
PART_VIEWS: dict[str, _PartView] = {
    "led": _PartView({"lit": lambda p: p.is_lit, "brightness": lambda p: p.brightness},
                     "lit", ("lit", "dark"), "brightness"),
    "relay": _PartView({"on": lambda p: p.is_on, "switches": lambda p: p.switches},
                       "on", ("on", "off")),
    "servo": _PartView({"angle": lambda p: p.angle}, number="angle"),
    "buzzer": _PartView({"sounding": lambda p: p.is_sounding,
                         "frequency": lambda p: p.frequency, "beeps": lambda p: p.beeps},
                        "sounding", ("sounding", "silent"), "frequency"),
    "button": _PartView({"pressed": lambda p: p.is_pressed, "presses": lambda p: p.presses},
                        "pressed", ("pressed", "released")),
    "pir": _PartView({"motion": lambda p: bool(p.level())}, "motion", ("motion", "still")),
    "potentiometer": _PartView({"position": lambda p: p.position, "value": lambda p: p.analog()},
                               number="position"),
    "photoresistor": _PartView({"value": lambda p: p.analog()}, number="value"),
}

#: What ``expect: {room: ...}`` can read, and the words of its yes/no properties.
ROOM_VIEW: dict[str, Callable[[Room], Any]] = {
    "temperature": lambda r: r.temperature(),
    "humidity": lambda r: r.humidity(),
    "light": lambda r: r.light(),
    "outside_temperature": lambda r: r.outside_temperature(),
    "heater": lambda r: r.heater_on,
    "lamp": lambda r: r.lamp_on,
    "motion": lambda r: r.motion(),
}
ROOM_WORDS = {"heater": ("on", "off"), "lamp": ("on", "off"), "motion": ("motion", "still")}

_YES = ("on", "true", "yes", "high")
_NO = ("off", "false", "no", "low")


def _state_word(value: Any, words: tuple[str, str]) -> bool | None:
    """True/False for a yes/no value given as a boolean or a word, None if it is neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in (words[0], *_YES):
            return True
        if word in (words[1], *_NO):
            return False
    return None


def _split_within(spec: dict[Any, Any], key: str, where: _Where) -> tuple[dict, float]:
    """Take ``within`` (the tolerance for the numbers beside it) out of a mapping."""
    spec = dict(spec)
    within = _number(spec.pop("within"), f"{key}.within", where) if "within" in spec else 0.0
    if within < 0:
        raise where.fail(f"'{key}.within' should be 0 or more, not {within}")
    return spec, within


def _part_checks(name: str, kind: str, value: Any, where: _Where) -> list[Check]:
    """Checks for ``<part>: <value>`` in an ``expect``: a word, a number or a mapping."""
    view = PART_VIEWS.get(kind)
    if view is None:
        raise where.fail(f"{name!r} is {_a(kind)}; expect cannot read it (check the room or "
                         "the sketch's JSON line instead)")

    def check(prop: str, matcher: Matcher) -> Check:
        reader = view.properties[prop]
        label = name if prop == view.state else f"{name} {prop}"
        words = view.words if prop == view.state else None
        return Check(label, lambda run: reader(run.board.parts[name]), matcher, words)

    if isinstance(value, dict):
        spec, within = _split_within(value, name, where)
        checks = []
        for prop, wanted in spec.items():
            if prop not in view.properties:
                raise where.fail(f"{name!r} is {_a(kind)}; it has {', '.join(view.properties)}, "
                                 f"not {prop!r}")
            if view.state == prop and _state_word(wanted, view.words or ("", "")) is not None:
                wanted = _state_word(wanted, view.words or ("", ""))
            checks.append(check(prop, _matcher(wanted, f"{name}.{prop}", where, within)))
        return checks
    if view.state is not None and view.words is not None:
        state = _state_word(value, view.words)
        if state is not None:
            return [check(view.state, Matcher(equals=state))]
    if view.number is not None and not isinstance(value, bool | str):
        return [check(view.number, _matcher(value, name, where, 0.0))]
    ways = [f"{w}" for w in view.words or ()] + ([f"a {view.number}"] if view.number else [])
    raise where.fail(f"{name!r} is {_a(kind)}: expect it as {' or '.join(ways)}, or as a "
                     f"mapping of {', '.join(view.properties)}; not {value!r}")


def _room_checks(value: Any, where: _Where) -> list[Check]:
    spec, within = _split_within(_mapping(value, "room", where, "{temperature: {min: 18}}"),
                                 "room", where)
    checks = []
    for prop, wanted in spec.items():
        if prop not in ROOM_VIEW:
            raise where.fail(f"'room' has {', '.join(ROOM_VIEW)}, not {prop!r}")
        words = ROOM_WORDS.get(prop)
        if words is not None:
            state = _state_word(wanted, words)
            if state is None:
                raise where.fail(f"'room.{prop}' is {words[0]} or {words[1]}, not {wanted!r}")
            wanted = state
        reader = ROOM_VIEW[prop]
        checks.append(Check(f"room {prop.replace('_', ' ')}", lambda run, r=reader: r(run.room),
                            _matcher(wanted, f"room.{prop}", where, within), words))
    return checks


def _json_checks(value: Any, where: _Where) -> list[Check]:
    spec, within = _split_within(
        _mapping(value, "json", where, "{temperature: {between: [15, 30]}}"), "json", where)
    checks = []
    for key, wanted in spec.items():
        path = str(key)
        checks.append(Check(f"json {path}", lambda run, p=path: run.monitor.json_field(p),
                            _matcher(wanted, f"json.{path}", where, within)))
    return checks


def _pin_checks(value: Any, where: _Where) -> list[Check]:
    checks = []
    for pin, wanted in _mapping(value, "pins", where, "{D13: HIGH}").items():
        try:
            number = parse_uno_pin(pin)
        except ConfigError as exc:
            raise where.fail(f"'pins': {exc}") from None
        state = _state_word(wanted, ("high", "low"))
        if wanted in (0, 1) and not isinstance(wanted, bool):
            state = bool(wanted)
        if state is None:
            raise where.fail(f"'pins.{pin}' should be HIGH or LOW, not {wanted!r}")
        label = f"pin {'A' + str(number - 14) if number >= 14 else 'D' + str(number)}"
        checks.append(Check(label, lambda run, n=number: _pin_level(run.board, n),
                            Matcher(equals=int(state)), ("HIGH", "LOW")))
    return checks


def _pin_level(board: Uno, pin: int) -> int | str:
    """The level on ``pin`` as a probe sees it, without disturbing the board: an output's
    latch, an input's part, the pull-up, or ``floating``."""
    if board.modes[pin] == OUTPUT:
        return board.latch[pin]
    part = board.part_on(pin)
    level = part.level() if part is not None else None
    if part is not None and part.role == "analog":
        level = 1 if part.analog() >= 512 else 0
    if level is None and (board.modes[pin] == INPUT_PULLUP
                          or (part is not None and part.role == "sensor")):
        return 1
    return "floating" if level is None else level


# -- the steps -----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one step found: did it hold, what it expected, what it saw."""

    passed: bool = True
    expected: str = ""
    seen: str = ""


@dataclass(frozen=True)
class _Sleep:
    """A pause: resume the step ``us`` microseconds from now."""

    us: int


@dataclass(frozen=True)
class _LineWait:
    """A pause: resume the step with the first serial line that matches (or None)."""

    matches: Callable[[str], bool]
    timeout_us: int


class Step:
    """One step of a scenario. A subclass reads its YAML in ``__init__`` (raising
    :class:`ScenarioError` on a bad value) and acts in :meth:`run`.

    :meth:`run` either returns an :class:`Outcome` at once, or is a generator that yields
    pauses (``_Sleep``, ``_LineWait``) and returns its Outcome at the end.
    """

    action: ClassVar[str] = ""
    options: ClassVar[tuple[str, ...]] = ()  # keys allowed beside the action

    def __init__(self, value: Any, options: dict[str, Any], where: _Where,
                 parts: dict[str, str]) -> None:
        self.number = where.number or 0
        self.note = _text(options["note"], "note", where) if "note" in options else None

    def describe(self) -> str:
        """What the step does, in a few words."""
        return self.action

    def run(self, ctx: Runner) -> Outcome | Generator[Any, Any, Outcome]:
        raise NotImplementedError

    @staticmethod
    def _part(value: Any, kind: str, where: _Where, parts: dict[str, str]) -> str:
        """Check that ``value`` names a part of ``kind`` on the board; return the name."""
        if not isinstance(value, str):
            raise where.fail(f"name the {kind}, e.g. {where.action}: "
                             f"{next((n for n, k in parts.items() if k == kind), kind)}")
        if value not in parts:
            raise where.fail(f"there is no part named {value!r} on the board "
                             f"(its parts: {', '.join(parts)})")
        if parts[value] != kind:
            raise where.fail(f"{value!r} is {_a(parts[value])}; {where.action} works on {_a(kind)}")
        return value


class Wait(Step):
    """``wait: 2 s``: let simulated time pass (the board keeps running)."""

    action = "wait"

    def __init__(self, value: Any, options: dict[str, Any], where: _Where,
                 parts: dict[str, str]) -> None:
        super().__init__(value, options, where, parts)
        self.us = _duration(value, "wait", where)

    def describe(self) -> str:
        return f"wait {_show_duration(self.us)}"

    def run(self, ctx: Runner) -> Generator[Any, Any, Outcome]:
        yield _Sleep(self.us)
        return Outcome()


class Press(Step):
    """``press: button``: press a button and keep it pressed."""

    action = "press"

    def __init__(self, value: Any, options: dict[str, Any], where: _Where,
                 parts: dict[str, str]) -> None:
        super().__init__(value, options, where, parts)
        self.button = self._part(value, "button", where, parts)

    def describe(self) -> str:
        return f"{self.action} {self.button}"

    def run(self, ctx: Runner) -> Outcome:
        ctx.board.parts[self.button].press()
        return Outcome()


class Release(Press):
    """``release: button``: let go of a button."""

    action = "release"

    def run(self, ctx: Runner) -> Outcome:
        ctx.board.parts[self.button].release()
        return Outcome()


class Hold(Press):
    """``hold: button`` with ``for: 300 ms``: press, wait that long, release."""

    action = "hold"
    options = ("for",)

    def __init__(self, value: Any, options: dict[str, Any], where: _Where,
                 parts: dict[str, str]) -> None:
        super().__init__(value, options, where, parts)
        if "for" not in options:
            raise where.fail("say how long to hold it, e.g. for: 300 ms")
        self.us = _duration(options["for"], "for", where)

    def describe(self) -> str:
        return f"hold {self.button} for {_show_duration(self.us)}"

    def run(self, ctx: Runner) -> Generator[Any, Any, Outcome]:
        ctx.board.parts[self.button].press()
        yield _Sleep(self.us)
        ctx.board.parts[self.button].release()
        return Outcome()


class Turn(Step):
    """``turn: knob`` with ``to: 0.75``: turn a potentiometer (0 fully left, 1 fully right)."""

    action = "turn"
    options = ("to",)

    def __init__(self, value: Any, options: dict[str, Any], where: _Where,
                 parts: dict[str, str]) -> None:
        super().__init__(value, options, where, parts)
        self.knob = self._part(value, "potentiometer", where, parts)
        if "to" not in options:
            raise where.fail("say where to turn it, e.g. to: 0.75 (0 to 1)")
        self.position = _number(options["to"], "to", where)
        if not 0 <= self.position <= 1:
            raise where.fail(f"'to' is a position from 0 to 1, not {options['to']!r}")

    def describe(self) -> str:
        return f"turn {self.knob} to {_show(self.position)}"

    def run(self, ctx: Runner) -> Outcome:
        ctx.board.parts[self.knob].turn(self.position)
        return Outcome()


class Set(Step):
    """``set: {light: 5}``: change the room (light in lux, temperatures in °C)."""

    action = "set"
    #: what can be set -> (how the report says it, its unit)
    KNOBS = {"light": ("light", "lux"),
             "outside_temperature": ("outside temperature", "°C"),
             "room_temperature": ("room temperature", "°C")}

    def __init__(self, value: Any, options: dict[str, Any], where: _Where,
                 parts: dict[str, str]) -> None:
        super().__init__(value, options, where, parts)
        self.values: dict[str, float | None] = {}
        for key, item in _mapping(value, "set", where, "{light: 5}").items():
            if key not in self.KNOBS:
                raise where.fail(f"'set' changes {', '.join(self.KNOBS)}, not {key!r} "
                                 "(turn a knob with turn:, press a button with press:)")
            if item is None and key != "room_temperature":
                self.values[key] = None  # back to the room's own model
                continue
            self.values[key] = _number(item, f"set.{key}", where)
            if key == "light" and item < 0:
                raise where.fail(f"'set.light' is in lux, 0 or more, not {item!r}")

    def describe(self) -> str:
        said = []
        for key, value in self.values.items():
            words, unit = self.KNOBS[key]
            said.append(f"{words} {'back to the model' if value is None else _show(value)}"
                        f"{'' if value is None else ' ' + unit}")
        return "set " + ", ".join(said)

    def run(self, ctx: Runner) -> Outcome:
        room = ctx.room
        for key, value in self.values.items():
            if key == "light":
                room.set_daylight(value)
            elif key == "outside_temperature":
                room.set_outside_temperature(value)
            else:
                room.set_temperature(float(value or 0.0))
        return Outcome()


class Motion(Step):
    """``motion: 10 s``: someone walks through the room now, moving that long (the PIR sees)."""

    action = "motion"

    def __init__(self, value: Any, options: dict[str, Any], where: _Where,
                 parts: dict[str, str]) -> None:
        super().__init__(value, options, where, parts)
        self.us = _duration(value, "motion", where)

    def describe(self) -> str:
        return f"motion for {_show_duration(self.us)}"

    def run(self, ctx: Runner) -> Outcome:
        ctx.room.trigger_motion(self.us / 1_000_000)
        return Outcome()


class Send(Step):
    """``send: HEATER ON``: write a line (with a newline) to the board's serial port."""

    action = "send"

    def __init__(self, value: Any, options: dict[str, Any], where: _Where,
                 parts: dict[str, str]) -> None:
        super().__init__(value, options, where, parts)
        self.text = _text(value, "send", where)

    def describe(self) -> str:
        return f"send {self.text!r}"

    def run(self, ctx: Runner) -> Outcome:
        link = ctx.board.serial
        if link.board_baud is None:
            return Outcome(False, "the sketch listening (Serial.begin called)",
                           "the board's serial port was not started yet, so the line was "
                           "lost; wait for the sketch's banner first")
        ctx.monitor.port.write(f"{self.text}\n".encode())
        return Outcome()


class WaitFor(Step):
    """``wait_for: OK HEATER ON``: wait for a serial line containing that text (or matching
    it, with ``regex: true``), at most ``timeout`` (default 5 s)."""

    action = "wait_for"
    options = ("timeout", "regex")

    def __init__(self, value: Any, options: dict[str, Any], where: _Where,
                 parts: dict[str, str]) -> None:
        super().__init__(value, options, where, parts)
        self.text = _text(value, "wait_for", where)
        self.timeout_us = (_duration(options["timeout"], "timeout", where)
                           if "timeout" in options else DEFAULT_TIMEOUT_US)
        self.regex = options.get("regex", False)
        if not isinstance(self.regex, bool):
            raise where.fail(f"'regex' is true or false, not {self.regex!r}")
        if self.regex:
            try:
                pattern = re.compile(self.text)
            except re.error as exc:
                raise where.fail(f"'wait_for' is not a valid regular expression: {exc}") from None
            self.matches: Callable[[str], bool] = lambda line: pattern.search(line) is not None
        else:
            self.matches = lambda line: self.text in line

    def describe(self) -> str:
        return f"wait for {self._wanted()}"

    def _wanted(self) -> str:
        what = f"matching /{self.text}/" if self.regex else f"containing {self.text!r}"
        return f"a line {what} within {_show_duration(self.timeout_us)}"

    def run(self, ctx: Runner) -> Generator[Any, Any, Outcome]:
        line = ctx.monitor.take(self.matches)  # it may have arrived already
        if line is None:
            line = yield _LineWait(self.matches, self.timeout_us)
        if line is None:
            return Outcome(False, self._wanted(), ctx.monitor.why_silent(self.timeout_us))
        return Outcome(True, self._wanted(), repr(line.text))


class Expect(Step):
    """``expect: {builtin: lit, servo: {angle: 90, within: 2}, json: {...}, pins: {...}}``:
    check parts, pins, the room and the last JSON line now."""

    action = "expect"

    def __init__(self, value: Any, options: dict[str, Any], where: _Where,
                 parts: dict[str, str]) -> None:
        super().__init__(value, options, where, parts)
        self.checks: list[Check] = []
        for key, item in _mapping(value, "expect", where, "{builtin: lit}").items():
            if key == "room":
                self.checks += _room_checks(item, where)
            elif key == "json":
                self.checks += _json_checks(item, where)
            elif key == "pins":
                self.checks += _pin_checks(item, where)
            elif key in parts:
                self.checks += _part_checks(key, parts[key], item, where)
            else:
                raise where.fail(f"there is no part named {key!r} on the board (expect "
                                 f"checks its parts: {', '.join(parts)}; and room, json, pins)")

    def describe(self) -> str:
        return "expect " + "; ".join(check.expected() for check in self.checks)

    def run(self, ctx: Runner) -> Outcome:
        passed, seen = True, []
        for check in self.checks:
            try:
                value = check.read(ctx)
            except _Unavailable as exc:
                passed = False
                seen.append(f"{check.label}: {exc}")
                continue
            passed = passed and check.matcher(value)
            seen.append(f"{check.label} {check.show(value)}")
        return Outcome(passed, "; ".join(c.expected() for c in self.checks), "; ".join(seen))


#: Every step by its action word.
ACTIONS: dict[str, type[Step]] = {
    cls.action: cls
    for cls in (Wait, Press, Release, Hold, Turn, Set, Motion, Send, WaitFor, Expect)
}


# -- the scenario file ---------------------------------------------------------------------


@dataclass
class Scenario:
    """A checked scenario: the board to start and the steps to play."""

    name: str
    source: str  # the file name (or "scenario") used in messages
    sketch: str  # a built-in sketch name or the absolute path of a .py sketch
    seed: int = 0
    params: dict[str, Any] = field(default_factory=dict)
    wiring: dict[int, dict[str, Any]] = field(default_factory=dict)
    baud: int = DEFAULT_BAUD
    steps: list[Step] = field(default_factory=list)

    @property
    def sketch_file(self) -> Path:
        """The sketch's file (built-in or the student's)."""
        return sketch_path(self.sketch).resolve()


def load_scenario(source: str | Path | dict[str, Any], *, sketch: str | Path | None = None,
                  base_dir: str | Path | None = None) -> Scenario:
    """Read and check a scenario: a YAML file, or a dict of the same shape.

    :param sketch: run this sketch instead of the scenario's (a built-in name, or a path
        relative to the current directory): how a course checks a student's file.
    :param base_dir: where a relative ``sketch:`` path is looked up (default: the
        scenario file's folder, or the current directory for a dict).
    :raises ScenarioError: naming the step and the key to fix.
    """
    if isinstance(source, dict):
        data, name, folder = source, "scenario", Path(base_dir or Path.cwd())
    else:
        path = Path(source)
        data, name, folder = _read_yaml(path), path.name, Path(base_dir or path.parent)
    where = _Where(name)
    if not isinstance(data, dict):
        raise where.fail("a scenario is a mapping with sketch: and steps: (see "
                         "simulators/README.md, section Scenarios)")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise where.fail(f"unknown key {key!r}{_did_you_mean(key, TOP_LEVEL_KEYS)} "
                             f"(a scenario has {', '.join(TOP_LEVEL_KEYS)})")
    if sketch is not None:
        chosen = _sketch(str(sketch), Path.cwd(), _Where(name, action=None), "--sketch")
    elif "sketch" in data:
        chosen = _sketch(data["sketch"], folder, where, "sketch")
    else:
        raise where.fail("say which sketch to run, e.g. sketch: blink (or my_sketch.py)")
    wiring = _wiring(data.get("wiring"), data.get("faults"), where)
    parts = {spec["name"]: spec["part"] for spec in wiring.values()}
    return Scenario(
        name=_text(data.get("name", Path(name).stem), "name", where),
        source=name,
        sketch=chosen,
        seed=_whole(data.get("seed", 0), "seed", where),
        params=_params(data.get("params"), where),
        wiring=wiring,
        baud=_whole(data.get("baud", DEFAULT_BAUD), "baud", where, positive=True),
        steps=_steps(data.get("steps"), name, parts),
    )


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"cannot read the scenario {str(path)!r}: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(f"{path.name}{place}: this is not valid YAML ({problem}); "
                            "check the indentation and the quotes") from None
    if data is None:
        raise ScenarioError(f"{path.name}: the file is empty; a scenario needs sketch: "
                            "and steps:")
    return data


def _did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(str(word), choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _whole(value: Any, key: str, where: _Where, *, positive: bool = False) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and (value > 0 or not positive):
        return value
    raise where.fail(f"{key!r} should be a whole number{' above 0' if positive else ''}, "
                     f"not {value!r}")


def _sketch(value: Any, folder: Path, where: _Where, key: str) -> str:
    """A built-in name, or a ``.py`` file relative to ``folder``; returned ready for the Uno."""
    if not isinstance(value, str) or not value:
        raise where.fail(f"{key!r} should name a sketch, e.g. blink or my_sketch.py")
    if not value.endswith(".py"):
        if value in SKETCHES:
            return value
        raise where.fail(f"{key!r}: there is no built-in sketch {value!r}"
                         f"{_did_you_mean(value, list(SKETCHES))} (built-in: "
                         f"{', '.join(SKETCHES)}; a file of your own ends in .py)")
    path = (folder / value).resolve()
    if not path.is_file():
        raise where.fail(f"{key!r}: there is no file {value!r} (looked for {path})")
    return str(path)


def _params(value: Any, where: _Where) -> dict[str, Any]:
    if value is None:
        return {}
    params = _mapping(value, "params", where, "{interval: 500}")
    for key, item in params.items():
        if isinstance(item, dict | list):
            raise where.fail(f"'params.{key}' should be a single value, not {item!r}")
    return {str(k): v for k, v in params.items()}


def _wiring(changes: Any, faults: Any, where: _Where) -> dict[int, dict[str, Any]]:
    """The course breadboard with the scenario's changes and faults.

    ``wiring`` adds parts by pin (``D6: {part: led, name: red}``), replaces the part on a
    pin, moves a part (a part with the name of a breadboard part takes its place), or
    removes one (``D4: null``). ``faults`` gives a part's fault options by its name.
    """
    board = normalise_wiring(UNO_WIRING, parse_uno_pin)
    if changes is not None:
        for pin, spec in _mapping(changes, "wiring", where, "{D6: {part: led}}").items():
            try:
                number = parse_uno_pin(pin)
                if spec is None:
                    board.pop(number, None)
                    continue
                (new,) = normalise_wiring({number: spec}, parse_uno_pin).values()
            except ConfigError as exc:
                raise where.fail(f"'wiring': {exc}") from None
            if new["part"] not in PARTS:
                raise where.fail(f"'wiring.{pin}': there is no part {new['part']!r} "
                                 f"(parts: {', '.join(PARTS)})")
            for other in [p for p, s in board.items() if s["name"] == new["name"]]:
                del board[other]  # the part moves to its new pin
            board[number] = new
    for spec in board.values():
        if spec["name"] in RESERVED_NAMES:
            raise where.fail(f"'wiring': a part cannot be called {spec['name']!r} in a "
                             f"scenario ({', '.join(RESERVED_NAMES)} mean something in expect)")
    if faults is not None:
        by_name = {spec["name"]: spec for spec in board.values()}
        for name, options in _mapping(faults, "faults", where, "{dht: {noise: 0.5}}").items():
            if name not in by_name:
                raise where.fail(f"'faults': there is no part named {name!r} "
                                 f"(parts: {', '.join(by_name)})")
            try:
                by_name[name]["faults"] = Faults.coerce(options)
            except (ConfigError, TypeError) as exc:
                raise where.fail(f"'faults.{name}': {exc} (faults are noise, drift, stuck, "
                                 "dropout)") from None
    return board


def _steps(value: Any, source: str, parts: dict[str, str]) -> list[Step]:
    if not isinstance(value, list) or not value:
        raise _Where(source).fail("'steps' should be a list of steps, each starting with "
                                  "a dash, e.g.\nsteps:\n  - wait: 1 s\n  - expect: "
                                  "{builtin: lit}")
    return [_step(item, number, source, parts) for number, item in enumerate(value, 1)]


def _step(item: Any, number: int, source: str, parts: dict[str, str]) -> Step:
    """One step: a mapping with exactly one action key and that action's options."""
    where = _Where(source, number)
    if not isinstance(item, dict) or not item:
        raise where.fail(f"a step is a mapping such as 'wait: 1 s' (with a colon), not "
                         f"{item!r}")
    actions = [key for key in item if key in ACTIONS]
    if not actions:
        key = next(iter(item))
        hint = _did_you_mean(key, list(ACTIONS))
        owners = [a for a, cls in ACTIONS.items() if key in cls.options]
        if owners and not hint:
            hint = (f" ({key!r} belongs to a {owners[0]} step: indent it under that step, "
                    "without a dash)")
        raise where.fail(f"{key!r} is not a step{hint}; the steps are {', '.join(ACTIONS)}")
    if len(actions) > 1:
        raise where.fail(f"one action per step, not {' and '.join(actions)}: give each its "
                         "own line starting with a dash")
    action = actions[0]
    where.action = action
    cls = ACTIONS[action]
    options = {k: v for k, v in item.items() if k != action}
    for key in options:
        if key not in (*cls.options, "note"):
            allowed = ", ".join((*cls.options, "note"))
            raise where.fail(f"unknown key {key!r} (a {action} step takes {allowed})")
    return cls(item[action], options, where, parts)


# -- running -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SerialLine:
    """One line the board printed, without its line ending, and when it arrived."""

    time: float  # simulated seconds
    text: str


class SerialMonitor:
    """The host end of the board's serial port, opened through pyserial (``sim://``).

    Bytes travel at the baud rate, so a line reaches the computer a little after the
    sketch prints it. The monitor hears each ``Serial.print`` (the link's listener hook),
    asks the link when the next newline will have arrived, and reads the port at exactly
    that simulated time: each line is stamped with the time it arrived, and ``on_line``
    hears about it then. ``wait_for`` takes lines in order: a line that matched, and every
    line before it, are used up; the ``json`` checks look at the last JSON line of all.
    """

    def __init__(self, board: Uno, baud: int, on_line: Callable[[SerialLine], None]) -> None:
        self.board = board
        self.clock = board.clock
        self.on_line = on_line
        self.lines: list[SerialLine] = []
        self.next_unread = 0
        self._partial = b""
        self._next_read: Any = None  # the clock event that reads the next line
        self.name = register_board(board, f"scenario-{id(self)}")
        self.port = serial.serial_for_url(f"sim://{self.name}", baudrate=baud, timeout=0)
        board.serial.listeners.append(self._pump)

    def _pump(self) -> None:
        """Read what has reached the computer by now; come back when the next line is due."""
        if self._next_read is not None:
            self._next_read.cancel()
            self._next_read = None
        waiting = self.port.in_waiting
        if waiting:
            self._split(self.port.read(waiting))
        due = self.board.serial.host_due_until(b"\n")
        if due is not None and not self.clock.closed:
            self._next_read = self.clock.call_at(due, self._pump)

    def _split(self, data: bytes) -> None:
        *complete, self._partial = (self._partial + data).split(b"\n")
        for raw in complete:
            line = SerialLine(self.clock.now(), raw.rstrip(b"\r").decode("utf-8", "replace"))
            self.lines.append(line)
            self.on_line(line)

    def take(self, matches: Callable[[str], bool]) -> SerialLine | None:
        """The first unread line that ``matches`` (using it and the lines before it up)."""
        for index in range(self.next_unread, len(self.lines)):
            if matches(self.lines[index].text):
                self.next_unread = index + 1
                return self.lines[index]
        return None

    def use_up_all(self) -> None:
        """Mark every line so far as read (the last one just matched a wait_for)."""
        self.next_unread = len(self.lines)

    def json_field(self, path: str) -> Any:
        """A field (``a.b`` for nested ones) of the last line that is a JSON object."""
        for line in reversed(self.lines):
            if line.text.startswith("{"):
                try:
                    value: Any = json.loads(line.text)
                except ValueError:
                    continue
                for key in path.split("."):
                    if not isinstance(value, dict) or key not in value:
                        raise _Unavailable(f"the last JSON line has no {path!r}: {line.text}")
                    value = value[key]
                return value
        raise _Unavailable("no JSON line has arrived yet")

    def why_silent(self, timeout_us: int) -> str:
        """What the monitor saw instead of the line it waited for, with a hint if it can."""
        link = self.board.serial
        count = sum(1 for line in self.lines if line.time >= self.clock.now() - timeout_us / 1e6)
        seen = f"no such line in {_show_duration(timeout_us)} ({count} other lines arrived)"
        if self.board.error is not None:
            return seen + "; the sketch had stopped with an error"
        if link.board_baud is None:
            return seen + "; the sketch never called Serial.begin()"
        if link.mismatch:
            return (seen + f"; the sketch's Serial runs at {link.board_baud} baud and the "
                    f"scenario's port at {link.host_baud}: set baud: {link.board_baud}")
        if link.dropped:
            return seen + (f"; {link.dropped} bytes were lost on the way (a sketch that "
                           "reads Serial too slowly loses what overflows its 64-byte buffer)")
        return seen

    def close(self) -> None:
        if self._pump in self.board.serial.listeners:
            self.board.serial.listeners.remove(self._pump)
        if self._next_read is not None:
            self._next_read.cancel()
        self.port.close()


class Runner:
    """Plays one scenario on a fresh world and writes its :class:`Report`."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.world = World(seed=scenario.seed)
        self.clock = self.world.clock
        self.room = self.world.room
        try:
            self.board = self.world.add_uno(scenario.sketch, params=scenario.params,
                                            wiring=scenario.wiring)
            self.monitor = SerialMonitor(self.board, scenario.baud, self._heard)
        except ConfigError as exc:
            self.world.close()
            raise ScenarioError(f"{scenario.source}: the board could not be built ({exc}); "
                                "check wiring and params") from None
        except BaseException:
            self.world.close()
            raise
        self.results: list[StepResult] = []
        self.finished = False
        self.ended = 0.0  # simulated seconds when the last step ended
        self._process: Generator[Any, Any, None] | None = None
        self._waiting: _LineWait | None = None
        self._timer: Any = None
        self._current: Step | None = None
        self._own_error: BaseException | None = None

    # the steps, one after the other, as a generator the clock's events resume

    def _play(self) -> Generator[Any, Any, None]:
        for step in self.scenario.steps:
            self._current = step
            outcome = step.run(self)
            if inspect.isgenerator(outcome):
                outcome = yield from outcome
            self._record(step, outcome)
            if not outcome.passed:
                return  # stop at the first failure: the steps after it depend on it

    def _record(self, step: Step, outcome: Outcome) -> None:
        self.results.append(StepResult(
            number=step.number, action=step.action, description=_describe(step),
            status="passed" if outcome.passed else "failed", time=self.clock.now(),
            expected=outcome.expected, seen=outcome.seen))

    def _resume(self, value: Any = None) -> None:
        """Run the steps until the next pause, and schedule the event that ends it."""
        assert self._process is not None
        try:
            pause = self._process.send(value)
        except StopIteration:
            self._finish()
            return
        except Exception as exc:  # a bug here must not look like the sketch's fault
            self._own_error = exc
            self._finish()
            return
        if isinstance(pause, _Sleep):
            self.clock.call_at(self.clock.now_us + pause.us, self._resume, None)
        else:
            self._waiting = pause
            self._timer = self.clock.call_at(self.clock.now_us + pause.timeout_us,
                                             self._give_up)

    def _heard(self, line: SerialLine) -> None:
        """A line arrived: if a wait_for is waiting for it, resume that step now."""
        if self._waiting is not None and self._waiting.matches(line.text):
            self._waiting = None
            self._timer.cancel()
            self.monitor.use_up_all()  # this line, and the unread ones before it
            self.clock.call_at(self.clock.now_us, self._resume, line)

    def _give_up(self) -> None:
        self._waiting = None
        self._resume(None)

    def _finish(self) -> None:
        # Closing the clock also unwinds a sketch caught in the middle of a delay() or a
        # loop that waits for input, so the run ends even if loop() never returns.
        self.finished = True
        self.ended = self.clock.now()
        self.clock.close()

    # the whole run

    def run(self) -> Report:
        """Play every step (stopping at the first that fails) and report."""
        crash = None
        try:
            self._process = self._play()
            self.clock.call_at(self.clock.now_us, self._resume, None)
            try:
                self.clock.run_until(None, lambda: self.finished)
            except Exception as exc:  # the sketch's fault, or else not ours to hide
                crash = _sketch_trouble(exc, self.scenario.sketch_file)
                if crash is None:
                    raise
            if self._own_error is not None:
                raise self._own_error
        finally:
            self.monitor.close()
            self.world.close()
        if crash is not None:
            self._crashed(crash)
        return self._report()

    def _crashed(self, message: str) -> None:
        step = self._current or self.scenario.steps[0]
        self.results.append(StepResult(
            number=step.number, action=step.action, description=_describe(step),
            status="failed", time=self.clock.now(), expected="the sketch keeps running",
            seen=f"the sketch stopped: {message}"))

    def _report(self) -> Report:
        done = {r.number for r in self.results}
        for step in self.scenario.steps:
            if step.number not in done:
                self.results.append(StepResult(step.number, step.action, _describe(step),
                                               "not run", None))
        self.results.sort(key=lambda r: r.number)
        return Report(name=self.scenario.name, source=self.scenario.source,
                      sketch=Path(self.scenario.sketch).name, seed=self.scenario.seed,
                      steps=self.results, serial=list(self.monitor.lines),
                      duration=self.ended if self.finished else self.clock.now())


def _describe(step: Step) -> str:
    return f"{step.describe()} ({step.note})" if step.note else step.describe()


def _sketch_trouble(exc: BaseException, sketch_file: Path) -> str | None:
    """Describe an exception that came from the sketch (with its line in the sketch file),
    or return None when it came from somewhere else."""
    cause = exc.__cause__ if isinstance(exc, SketchError) and exc.__cause__ else exc
    if isinstance(cause, SyntaxError) and cause.filename \
            and Path(cause.filename).resolve() == sketch_file:
        return f"SyntaxError: {cause.msg} ({sketch_file.name}, line {cause.lineno})"
    frames = [frame for frame in traceback.extract_tb(cause.__traceback__)
              if Path(frame.filename).resolve() == sketch_file]
    if not frames and not isinstance(exc, SketchError):
        return None
    where = f" ({sketch_file.name}, line {frames[-1].lineno}: {frames[-1].line})" if frames else ""
    return f"{type(cause).__name__}: {cause}{where}"


def run_scenario(source: str | Path | dict[str, Any] | Scenario, *,
                 sketch: str | Path | None = None,
                 base_dir: str | Path | None = None) -> Report:
    """Run a scenario (a YAML file or a dict) and return its :class:`Report`.

    ``sketch`` replaces the scenario's sketch (a built-in name or a path relative to the
    current directory); see :func:`load_scenario` (a :class:`Scenario` it returned may be
    passed as ``source`` too). Raises :class:`ScenarioError` for a
    bad scenario; a sketch that fails an expectation or crashes gives a failed report.
    """
    scenario = source if isinstance(source, Scenario) else \
        load_scenario(source, sketch=sketch, base_dir=base_dir)
    return Runner(scenario).run()


# -- the report ----------------------------------------------------------------------------


@dataclass
class StepResult:
    """How one step went. ``status`` is ``passed``, ``failed`` or ``not run``."""

    number: int
    action: str
    description: str
    status: str
    time: float | None  # simulated seconds when the step ended (None: not run)
    expected: str = ""
    seen: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "passed"


_MARKS = {"passed": ("✓", "green"), "failed": ("✗", "bold red"), "not run": ("·", "dim")}


@dataclass
class Report:
    """The result of a scenario: every step, every serial line, and whether all held.

    ``print()`` shows it with rich, one line per step (in a terminal or a notebook);
    ``str(report)`` is the same as plain text.
    """

    name: str
    source: str
    sketch: str
    seed: int
    steps: list[StepResult]
    serial: list[SerialLine]
    duration: float  # simulated seconds the run took

    @property
    def passed(self) -> bool:
        """True when every step ran and held."""
        return all(step.passed for step in self.steps)

    @property
    def failed_step(self) -> StepResult | None:
        """The step that failed, if one did."""
        return next((step for step in self.steps if step.status == "failed"), None)

    def __rich__(self) -> Group:
        title = Text.assemble((f"Scenario {self.name}", "bold"),
                              f"  ({self.source}: sketch {self.sketch}, seed {self.seed})")
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        table.add_column("", no_wrap=True)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("time", justify="right", no_wrap=True, min_width=9)
        table.add_column("step (and what it expects)", ratio=3, overflow="fold")
        table.add_column("seen", ratio=2, overflow="fold")
        for step in self.steps:
            mark, style = _MARKS[step.status]
            time = "" if step.time is None else f"{step.time:.3f} s"
            table.add_row(Text(mark, style), str(step.number), time, Text(step.description),
                          Text(step.seen, "red" if step.status == "failed" else ""))
        parts: list[Any] = [title, table]
        failed = self.failed_step
        if failed is not None:
            parts += [Text(f"Step {failed.number} ({failed.action}) failed", "bold red"),
                      Text(f"  expected: {failed.expected}"), Text(f"  seen:     {failed.seen}"),
                      Text("Last serial lines:", "bold")]
            parts += [Text(f"  {line.time:9.3f} s  {line.text}") for line in self.serial[-10:]]
            if not self.serial:
                parts.append(Text("  (the board printed nothing)"))
            parts.append(Text(f"FAILED at step {failed.number} of {len(self.steps)}",
                              "bold red"))
        else:
            parts.append(Text(f"PASSED: all {len(self.steps)} steps held "
                              f"({self.duration:.3f} simulated seconds)", "bold green"))
        return Group(*parts)

    def print(self, console: Console | None = None) -> None:
        """Show the report (on ``console``, default: the terminal)."""
        (console or Console(highlight=False)).print(self)

    def __str__(self) -> str:
        # force_jupyter=False: in a notebook, rich would draw on the page, not into the string
        console = Console(file=io.StringIO(), width=160, color_system=None, highlight=False,
                          force_jupyter=False)
        console.print(self)
        return console.file.getvalue()  # type: ignore[attr-defined]


# -- the command line ----------------------------------------------------------------------


def _scenario_file(item: str) -> Path:
    """A path to a scenario file, or the name of an example (``blink``)."""
    path = Path(item)
    if not path.exists() and item in EXAMPLES:
        return EXAMPLES[item]
    if not path.is_file():
        raise ScenarioError(f"no scenario file {item!r} (the examples are "
                            f"{', '.join(EXAMPLES)})")
    return path


def run_from_args(args: argparse.Namespace) -> int:
    """``python -m simulators run``: 0 if every scenario held, 1 if one failed, 2 if a
    scenario file is wrong (the message says what to fix)."""
    console = Console(highlight=False)
    worst = 0
    for item in args.scenarios:
        try:
            report = run_scenario(_scenario_file(item), sketch=args.sketch)
        except ScenarioError as exc:
            print(f"error: {exc}", file=sys.stderr)
            worst = 2
            continue
        report.print(console)
        worst = max(worst, 0 if report.passed else 1)
    return worst
