"""The simulated Raspberry Pi: a gpiozero pin factory, and a DHT22 reader.

With ``GPIOZERO_PIN_FACTORY=sim`` (the entry point ``sim`` in the group
``gpiozero_pin_factories``), unmodified gpiozero code drives simulated parts::

    from gpiozero import LED, Button
    led = LED(17)                      # the LED on GPIO17
    Button(2).when_pressed = led.on    # the button on GPIO2

The factory made by the entry point builds its own world from the environment:
``SIM_SEED`` (default 0), ``SIM_CLOCK`` (``realtime``, the default, or ``virtual``),
``SIM_SPEED`` and ``SIM_PI_WIRING``: which part is on which pin, a built-in layout's name
(``course``, the default; ``recipes`` for gpiozero's recipes; ``python -m simulators pi``
lists them) or the path of a TOML wiring file. To share a room with a Uno, build the
factory from that world instead::

    world = World(seed=1)
    Device.pin_factory = world.pi_factory(wiring="recipes")

Edges (``when_pressed``, ``when_motion``, ...) are delivered from the clock, so in virtual
mode they fire while something advances it (``world.clock.advance(1)``). ``ticks()`` is
simulated time, so ``held_time`` and friends are simulated seconds too.

Pins, SPI and the DHT22 reader take the world's lock through ``clock.hold()``: a gpiozero
call from one thread (``led.on()``) is let in between two events while another thread runs
the virtual clock through a long ``clock.advance()``, instead of waiting for all of it.

A gpiozero device made on a pin whose wiring does not fit it (a ``Servo`` on the LED's
pin, an ``LED`` on a pin with nothing wired) raises a :class:`WiringWarning` once per pin,
naming a built-in wiring that fits. gpiozero tells the factory which device reserves a pin
(:meth:`SimFactory.reserve_pins`); a composite device (a ``Servo`` builds a
``PWMOutputDevice``) is found by looking up the call stack for the gpiozero device whose
``__init__`` is running.

``MCP3008(channel=0)`` works: the factory's hardware SPI (:class:`SimSPI`, what spidev is on
a real Pi) carries gpiozero's real 3-byte requests to a simulated chip.
"""

from __future__ import annotations

import functools
import os
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any

from gpiozero import (
    LED,
    PWMLED,
    RGBLED,
    SPI,
    Button,
    Buzzer,
    Device,
    DistanceSensor,
    GPIODevice,
    InputDevice,
    LightSensor,
    LineSensor,
    MotionSensor,
    Motor,
    OutputDevice,
    PhaseEnableMotor,
    PWMOutputDevice,
    RotaryEncoder,
    Servo,
    TonalBuzzer,
)
from gpiozero.exc import (
    PinFixedPull,
    PinInvalidBounce,
    PinInvalidFunction,
    PinInvalidPull,
    PinInvalidState,
    PinSetInput,
    SPIInvalidClockMode,
)
from gpiozero.mixins import SharedMixin
from gpiozero.pins.pi import PiFactory, PiPin, spi_port_device

from .errors import ChecksumError, ConfigError, SensorReadError, SimulatorError
from .parts import DHT22 as DHT22Part
from .parts import MCP3008, PARTS, Part
from .wiring import (
    SPI_BUS_PINS,
    SPI_SELECT_PINS,
    PiWiring,
    WiringWarning,
    load_pi_wiring,
    parse_pi_pin,
    pi_layouts,
)
from .world import World

__all__ = ["SimFactory", "SimPin", "SimSPI", "DHT22", "WiringWarning", "NotSimulatedError",
           "PinUse", "plan_pins", "describe_wiring", "device_kind"]


class NotSimulatedError(SimulatorError, NotImplementedError):
    """Something a real Pi can do that the simulated one does not (software SPI)."""


def world_from_env() -> World:
    """A world configured by ``SIM_SEED``, ``SIM_CLOCK`` and ``SIM_SPEED``."""
    try:
        seed = int(os.environ.get("SIM_SEED", "0"))
        speed = float(os.environ.get("SIM_SPEED", "1"))
    except ValueError as exc:
        raise ConfigError(f"bad SIM_SEED or SIM_SPEED: {exc}") from None
    return World(seed=seed, clock=os.environ.get("SIM_CLOCK", "realtime"), speed=speed)


# -- what is on each pin ----------------------------------------------------------------


@dataclass(frozen=True)
class PinUse:
    """What one GPIO pin is wired to.

    :param kind: the part's kind (``"led"``), or ``"spi"`` for the SPI bus's pins.
    :param name: the part's (or SPI chip's) name in the wiring.
    :param terminal: which of the part's pins this is: ``""`` for the pin it is wired on,
        an extra pin's name (``"trigger"``), or the SPI role (``"CE0"``, ``"MOSI"``, ...).
    :param options: the part's options, as the wiring gives them.
    """

    pin: int
    kind: str
    name: str
    terminal: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The :data:`FITS` key: ``"led"``, ``"hcsr04.trigger"``, ``"spi"``."""
        if self.kind == "spi":
            return "spi"
        return f"{self.kind}.{self.terminal}" if self.terminal else self.kind

    def describe(self) -> str:
        """In words, for messages: ``an LED ('led')``, ``the TRIG pin of an HC-SR04 distance
        sensor ('sonar')``, ``SPI0's MOSI (used by the mcp3008 'adc')``."""
        if self.kind == "spi":
            return f"SPI0's {self.terminal} (used by the {self.options['chip']} {self.name!r})"
        cls = PARTS[self.kind]
        if self.terminal:
            return f"the {self.terminal.upper()} pin of {cls.title} ({self.name!r})"
        if cls.main_pin:
            return f"the {cls.main_pin.upper()} pin of {cls.title} ({self.name!r})"
        return f"{cls.title} ({self.name!r})"


def plan_pins(wiring: PiWiring) -> dict[int, PinUse]:
    """Check ``wiring`` against the parts and say what every GPIO it uses is wired to.

    A two-pin part (the HC-SR04) takes two GPIOs; an SPI chip takes the bus pins and its
    chip select. Errors name the wiring's file, the pin and what to fix.
    """
    uses: dict[int, PinUse] = {}

    def claim(use: PinUse, where: str) -> None:
        if use.pin in uses:
            raise ConfigError(f"{where}: GPIO{use.pin} is already {uses[use.pin].describe()}; "
                              "give it a free pin")
        uses[use.pin] = use

    for select, chip in wiring.spi.items():
        _check_chip(wiring, select, chip)
        roles = {**SPI_BUS_PINS, select: SPI_SELECT_PINS[select]}
        for role, number in roles.items():
            if number not in uses:
                claim(PinUse(number, "spi", chip["name"], role, {"chip": chip["chip"]}),
                      f"{wiring.source}: [spi.{select}]")
    for pin, spec in wiring.pins.items():
        where = f"{wiring.source}: GPIO{pin}"
        cls = _gpio_part_class(spec, where)
        options = {k: v for k, v in spec.items() if k not in ("part", "name")}
        claim(PinUse(pin, spec["part"], spec["name"], "", options), where)
        for extra in cls.extra_pins:
            if extra not in options:
                raise ConfigError(f'{where}: {cls.title} also needs its {extra} pin: add '
                                  f'{extra} = "GPIO24" (its GPIO) to the part')
            try:
                number = parse_pi_pin(options[extra])
            except ConfigError as exc:
                raise ConfigError(f"{where}: {extra}: {exc}") from None
            claim(PinUse(number, spec["part"], spec["name"], extra), where)
    return uses


def _gpio_part_class(spec: dict[str, Any], where: str) -> type[Part]:
    """The class of a part wired on a GPIO pin, or a ConfigError saying what to do."""
    kind = spec["part"]
    cls = PARTS.get(kind)
    if cls is None:
        raise ConfigError(f"{where}: unknown part {kind!r}; known parts: {', '.join(PARTS)}")
    if cls.role == "analog":
        also = " (or a light_sensor, which a GPIO can time)" if kind == "photoresistor" else ""
        raise ConfigError(
            f"{where}: {cls.title} ({kind}) is analog, and the Pi has no analog inputs: put "
            f'it on a channel of an MCP3008, e.g. CH0 = {{ part = "{kind}", name = '
            f'"{spec["name"]}" }} in [spi.CE0]{also}')
    if cls.role == "spi":
        raise ConfigError(f'{where}: {cls.title} sits on the SPI bus: describe it in a '
                          f'[spi.CE0] table with chip = "{kind}"')
    return cls


def _check_chip(wiring: PiWiring, select: str, chip: dict[str, Any]) -> None:
    where = f"{wiring.source}: [spi.{select}]"
    cls = PARTS.get(chip["chip"])
    if cls is None or cls.role != "spi":
        spi_kinds = [kind for kind, c in PARTS.items() if c.role == "spi"]
        raise ConfigError(f"{where}: {chip['chip']!r} is not an SPI chip the simulator has "
                          f"({', '.join(spi_kinds)})")
    channels = getattr(cls, "CHANNELS", 0)
    for channel, spec in chip["channels"].items():
        if not 0 <= channel < channels:
            raise ConfigError(f"{where}: the {chip['chip']} has CH0 to CH{channels - 1}, "
                              f"not CH{channel}")
        part = PARTS.get(spec["part"])
        if part is None:
            raise ConfigError(f"{where} CH{channel}: unknown part {spec['part']!r}; known "
                              f"parts: {', '.join(PARTS)}")
        if part.role != "analog":
            analog = ", ".join(kind for kind, c in PARTS.items() if c.role == "analog")
            raise ConfigError(f"{where} CH{channel}: {part.title} ({spec['part']}) is not "
                              f"analog: an ADC channel reads a voltage ({analog}); wire "
                              "it to a GPIO in [pins]")


def describe_wiring(wiring: PiWiring) -> str:
    """A table of ``wiring`` for people: pin, part kind, name, options; then the SPI chips
    and their channels, and the built-in layouts."""
    uses = plan_pins(wiring)
    title = wiring.source[:1].upper() + wiring.source[1:]
    lines = [title, wiring.description, ""] if wiring.description else [title, ""]
    rows = [("pin", "part", "name", "options")]
    for pin in sorted(uses):
        use = uses[pin]
        if use.kind == "spi":
            continue
        kind = use.kind
        main_pin = PARTS[use.kind].main_pin
        if use.terminal or main_pin:
            kind += f" ({use.terminal or main_pin})"
        options = ", ".join(f"{k}={v}" for k, v in use.options.items())
        rows.append((f"GPIO{pin}", kind, use.name, options))
    lines += _columns(rows) if len(rows) > 1 else ["  (no GPIO pins wired)"]
    if wiring.spi:
        bus = ", ".join(f"{role} GPIO{number}" for role, number in SPI_BUS_PINS.items())
        lines += ["", f"SPI0 ({bus}):"]
        for select, chip in wiring.spi.items():
            options = ", ".join(f"{k}={v}" for k, v in chip["options"].items())
            chip_rows = [(f"{select} (GPIO{SPI_SELECT_PINS[select]})", chip["chip"],
                          chip["name"], options)]
            chip_rows += [(f"  CH{channel}", spec["part"], spec["name"],
                           ", ".join(f"{k}={v}" for k, v in spec.items()
                                     if k not in ("part", "name")))
                          for channel, spec in sorted(chip["channels"].items())]
            lines += _columns(chip_rows)
    lines += ["", f"built-in wirings: {', '.join(pi_layouts())} "
                  "(python -m simulators pi --wiring NAME)"]
    return "\n".join(lines)


def _columns(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(cell.ljust(width)
                             for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows]


# -- which gpiozero device is asking for a pin ------------------------------------------

#: gpiozero's device classes by the kind of part they drive (the first match counts, so
#: subclasses come before their bases: an LED is also an OutputDevice).
DEVICE_KINDS: tuple[tuple[type, str], ...] = (
    (Servo, "servo"),
    (TonalBuzzer, "buzzer"),
    (Motor, "motor"),
    (PhaseEnableMotor, "motor"),
    (RotaryEncoder, "rotary encoder"),
    (DistanceSensor, "distance sensor"),
    (LightSensor, "light sensor"),
    (MotionSensor, "motion sensor"),
    (LineSensor, "line sensor"),
    (Button, "button"),
    (Buzzer, "buzzer"),
    (LED, "led"),
    (PWMLED, "led"),
    (RGBLED, "led"),
    (PWMOutputDevice, "pwm output"),
    (OutputDevice, "output"),
    (InputDevice, "input"),
    (SPI, "spi"),
    (GPIODevice, "gpio"),
)
#: Kinds that say only which way the signal goes, not what the device is.
GENERIC_KINDS = ("pwm output", "output", "input", "gpio")

#: Which device kinds fit each part (a :attr:`PinUse.key`); any other kind warns.
FITS: dict[str, frozenset[str]] = {
    "led": frozenset({"led", "output", "pwm output", "gpio"}),
    "relay": frozenset({"output", "gpio"}),
    "servo": frozenset({"servo", "pwm output", "gpio"}),
    "buzzer": frozenset({"buzzer", "output", "pwm output", "gpio"}),
    "button": frozenset({"button", "input", "gpio"}),
    "pir": frozenset({"motion sensor", "input", "gpio"}),
    "light_sensor": frozenset({"light sensor", "input", "gpio"}),
    "hcsr04": frozenset({"distance echo", "input", "gpio"}),
    "hcsr04.trigger": frozenset({"distance trigger", "output", "gpio"}),
    "dht22": frozenset({"gpio"}),
    "spi": frozenset({"spi"}),
}

#: How messages name each device kind.
KIND_WORDS = {
    "led": "an LED", "servo": "a servo", "buzzer": "a buzzer", "button": "a button",
    "motion sensor": "a PIR motion sensor", "light sensor": "a light sensor",
    "distance echo": "an HC-SR04's ECHO", "distance trigger": "an HC-SR04's TRIG",
    "motor": "a motor", "rotary encoder": "a rotary encoder", "line sensor": "a line sensor",
    "pwm output": "a PWM part (LED, servo, buzzer)", "output": "an output part",
    "input": "an input part", "gpio": "a part", "spi": "an SPI chip",
}


def _kind_of(device: Any) -> str | None:
    for cls, kind in DEVICE_KINDS:
        if isinstance(device, cls):
            return kind
    return None


def _constructing(requester: Any) -> list[Any]:
    """``requester`` and the gpiozero devices whose ``__init__`` is running further up the
    stack (innermost first): a Servo building its PWMOutputDevice, a TrafficLights its LEDs.
    Where Python keeps no frames (not CPython), just ``requester``."""
    chain = [requester]
    frame = sys._getframe(1) if hasattr(sys, "_getframe") else None
    while frame is not None:
        if frame.f_code.co_name == "__init__":
            obj = frame.f_locals.get("self")
            if isinstance(obj, Device) and all(obj is not known for known in chain):
                chain.append(obj)
        frame = frame.f_back
    return chain


def device_kind(requester: Any) -> tuple[str, str]:
    """What kind of part the device reserving a pin drives (``"servo"``), and the gpiozero
    class that was created (``"Servo"``), from the reserving device and its composites."""
    chain = _constructing(requester)
    kinds = [_kind_of(device) for device in chain]
    specific = [kind for kind in kinds if kind is not None and kind not in GENERIC_KINDS]
    kind = specific[-1] if specific else (kinds[0] or "gpio")
    if kind == "distance sensor":
        kind = "distance echo" if isinstance(requester, DistanceSensor) else "distance trigger"
    return kind, type(chain[-1]).__name__


def _a(word: str) -> str:
    """``"LED"`` -> ``"an LED"``, ``"Servo"`` -> ``"a Servo"``."""
    vowel_sound = word[:1] in "AEIOU" or word.startswith(("LED", "RGB", "MCP", "SPI", "HC"))
    return f"{'an' if vowel_sound else 'a'} {word}"


def _stacklevel() -> int:
    """The ``stacklevel`` that makes a warning point at the first line outside gpiozero and
    this package: the user's ``Servo(17)``."""
    level, frame = 1, sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").partition(".")[0] in (
            "gpiozero", "simulators"):
        frame = frame.f_back
        level += 1
    return level


@functools.cache
def _builtin_uses(name: str) -> dict[int, PinUse]:
    return plan_pins(load_pi_wiring(name))


def layouts_fitting(pin: int, kind: str) -> list[str]:
    """The built-in wirings that put a part fitting ``kind`` on GPIO ``pin``."""
    found = []
    for name in pi_layouts():
        use = _builtin_uses(name).get(pin)
        if use is not None and kind in FITS.get(use.key, ()):
            found.append(name)
    return found


# -- the pins -----------------------------------------------------------------------------


class SimPin(PiPin):
    """A GPIO pin of the simulated Pi, connected to whatever part the wiring puts on it.

    Every pin does software PWM (like the lgpio factory). Unwired pins float: they read
    their pull (up 1, down or floating 0).

    ``bounce`` (gpiozero's ``bounce_time``): the first edge is reported at once, edges in
    the next ``bounce`` seconds are ignored, and if the level at the end of that window
    differs from the last level reported, that change is reported then. So bounces are
    filtered, and a tap shorter than ``bounce`` still ends with its release.
    """

    def __init__(self, factory: SimFactory, info: Any) -> None:
        super().__init__(factory, info)
        self._clock = factory.world.clock
        number = int(info.name[4:])
        self._part: Part | None = factory.part_on(number)
        use = factory.pin_uses.get(number)
        self._terminal = use.terminal if use is not None and self._part is not None else ""
        self._function = "input"
        self._pull = info.pull or "floating"
        self._output: float = 0
        self._frequency: float | None = None
        self._bounce: float | None = None
        self._edges = "both"
        self._reported = 0  # the level gpiozero was last told about
        self._quiet_until_us: int | None = None  # end of the bounce window
        self._recheck: Any = None

    def close(self) -> None:
        self.when_changed = None
        self.frequency = None
        self.function = "input"

    @property
    def part(self) -> Part | None:
        """The simulated part on this pin (None if nothing is wired to it)."""
        return self._part

    def _input_level(self) -> int:
        level = None
        if self._part is not None and not self._terminal:
            level = self._part.level()
        if level is None:
            return 1 if self._pull == "up" else 0
        return level

    def _get_function(self) -> str:
        return self._function

    def _set_function(self, value: str) -> None:
        if value not in ("input", "output"):
            raise PinInvalidFunction(f"invalid function {value!r} for pin {self!r}")
        with self._clock.hold():
            self._function = value
            if value == "input":
                self._frequency = None
                self._reported = self._input_level()
                self._release()
            else:
                self._push(self._output)

    def _get_state(self) -> float:
        with self._clock.hold():
            if self._function == "output":
                return self._output
            return self._input_level()

    def _set_state(self, value: float) -> None:
        if self._function == "input":
            raise PinSetInput(f"cannot set state of input pin {self!r}")
        if not 0 <= value <= 1:
            raise PinInvalidState(f"invalid state {value!r} for pin {self!r}")
        with self._clock.hold():
            self._output = value if self._frequency else int(bool(value))
            self._push(self._output)

    def _push(self, value: float) -> None:
        """Drive the part with the pin's output."""
        if self._part is None:
            return
        if self._terminal:
            self._part.write_extra(self._terminal, 1 if value else 0)
        elif self._frequency:
            self._part.write_pwm(float(value), self._frequency)
        else:
            self._part.write(1 if value else 0)

    def _release(self) -> None:
        """The pin stopped driving the part (it became an input)."""
        if self._part is None:
            return
        if self._terminal:
            self._part.write_extra(self._terminal, 0)
        else:
            self._part.pin_released()

    def _get_pull(self) -> str:
        return self._pull

    def _set_pull(self, value: str) -> None:
        if self._function != "input":
            raise PinFixedPull(f"cannot set pull on non-input pin {self!r}")
        if self.info.pull and value != self.info.pull:
            raise PinFixedPull(f"{self!r} has a fixed pull resistor")
        if value not in ("floating", "up", "down"):
            raise PinInvalidPull("pull must be floating, up, or down")
        with self._clock.hold():
            self._pull = value
            self._on_part_change(self._part)

    def _get_frequency(self) -> float | None:
        return self._frequency

    def _set_frequency(self, value: float | None) -> None:
        with self._clock.hold():
            if value is not None and self._function != "output":
                self._set_function("output")
            self._frequency = value
            if value is None:
                self._output = 0
            self._push(self._output)

    def _get_bounce(self) -> float | None:
        return self._bounce

    def _set_bounce(self, value: float | None) -> None:
        if value is not None:
            try:
                value = float(value)
            except ValueError:
                raise PinInvalidBounce("bounce must be None or a float") from None
            if value < 0:
                raise PinInvalidBounce("bounce must be 0 or greater")
        self._bounce = value

    def _get_edges(self) -> str:
        return self._edges

    def _set_edges(self, value: str) -> None:
        if value not in ("none", "falling", "rising", "both"):
            raise PinInvalidFunction(f"invalid edges {value!r}")
        self._edges = value

    def _enable_event_detect(self) -> None:
        with self._clock.hold():
            self._reported = self._input_level()
            if self._part is not None and not self._terminal:
                self._part.add_listener(self._on_part_change)

    def _disable_event_detect(self) -> None:
        with self._clock.hold():
            if self._part is not None:
                self._part.remove_listener(self._on_part_change)
            if self._recheck is not None:
                self._recheck.cancel()
                self._recheck = None
            self._quiet_until_us = None

    def _on_part_change(self, part: Part | None) -> None:
        if self._function != "input" or self._when_changed is None:
            return
        at_us = part.changed_at_us if part is not None else self._clock.now_us
        if self._quiet_until_us is not None and at_us < self._quiet_until_us:
            if self._recheck is None:  # look again when the bounce window ends
                self._recheck = self._clock.call_at(self._quiet_until_us, self._end_quiet)
            return
        self._report(at_us)

    def _end_quiet(self) -> None:
        self._recheck = None
        at_us, self._quiet_until_us = self._quiet_until_us, None
        if self._function == "input" and self._when_changed is not None and at_us is not None:
            self._report(at_us)

    def _report(self, at_us: int) -> None:
        """Tell gpiozero the level changed at ``at_us``, if it did (and the edge counts)."""
        level = self._input_level()
        if level == self._reported:
            return
        self._reported = level
        if self._bounce:
            self._quiet_until_us = at_us + round(self._bounce * 1_000_000)
        if self._edges == "both" or self._edges == ("rising" if level else "falling"):
            self._call_when_changed(at_us / 1_000_000, level)


class SimSPI(SPI):
    """The Pi's hardware SPI bus 0, as spidev gives it on a real Pi, with the simulated
    chip (an MCP3008) on the chip select the wiring says.

    gpiozero's ``MCP3008`` sends its real request through :meth:`transfer` (3 bytes: the
    start bit, single-ended or differential, the channel) and decodes the chip's answer.
    Only 8-bit words are simulated (what the MCP3xxx chips use).
    """

    def __init__(self, clock_pin: Any, mosi_pin: Any, miso_pin: Any, select_pin: Any, *,
                 pin_factory: SimFactory) -> None:
        self._port, self._device = spi_port_device(clock_pin, mosi_pin, miso_pin, select_pin)
        self._chip: MCP3008 | None = None
        self._open = False
        super().__init__(pin_factory=pin_factory)
        pins = [pin for pin in (clock_pin, mosi_pin, miso_pin, select_pin) if pin is not None]
        self.pin_factory.reserve_pins(self, *pins)
        self._open = True
        self._clock_mode = 0
        self._lsb_first = False
        self._select_high = False
        self._bits_per_word = 8
        self._rate = 500_000
        self._chip = pin_factory.spi_chip(self._device)

    def _conflicts_with(self, other: Any) -> bool:
        if isinstance(other, SimSPI):
            return (self._port, self._device) == (other._port, other._device)
        return True

    def close(self) -> None:
        if self._open:
            self._open = False
            self._chip = None
            self.pin_factory.release_all(self)
        super().close()

    @property
    def closed(self) -> bool:
        return not self._open

    def __repr__(self) -> str:
        if self.closed:
            return "SPI(closed)"
        return f"SPI(port={self._port}, device={self._device})"

    def transfer(self, data: Any) -> list[int]:
        """Clock ``data`` out on MOSI while the chip select is active; return what came back
        on MISO (zeros when no chip is wired to this chip select)."""
        self._check_open()
        if self._bits_per_word != 8:
            raise NotSimulatedError(f"SPI words of {self._bits_per_word} bits are not "
                                    "simulated (the MCP3xxx chips use 8)")
        with self.pin_factory.world.clock.hold():
            if self._chip is None:
                return [0] * len(data)
            answer = self._chip.transfer(data)
            self.pin_factory.check_channel(self._device, self._chip)
            return answer

    def _get_clock_mode(self) -> int:
        return self._clock_mode

    def _set_clock_mode(self, value: int) -> None:
        if not 0 <= value < 4:
            raise SPIInvalidClockMode(f"{value} is not a valid clock mode")
        self._clock_mode = value

    def _get_lsb_first(self) -> bool:
        return self._lsb_first

    def _set_lsb_first(self, value: bool) -> None:
        self._lsb_first = bool(value)

    def _get_select_high(self) -> bool:
        return self._select_high

    def _set_select_high(self, value: bool) -> None:
        self._select_high = bool(value)

    def _get_bits_per_word(self) -> int:
        return self._bits_per_word

    def _set_bits_per_word(self, value: int) -> None:
        self._bits_per_word = int(value)

    def _get_rate(self) -> int:
        return self._rate

    def _set_rate(self, value: int) -> None:
        self._rate = int(value)


class SimSPIShared(SharedMixin, SimSPI):
    """:class:`SimSPI` shared by every device on the same chip select of one factory (the
    ``MCP3008(channel=0)`` and ``MCP3008(channel=1)`` of one chip)."""

    @classmethod
    def _shared_key(cls, clock_pin: Any, mosi_pin: Any, miso_pin: Any, select_pin: Any, *,
                    pin_factory: Any) -> tuple[Any, ...]:
        return (cls, clock_pin, select_pin, pin_factory)


# -- the factory --------------------------------------------------------------------------


class SimFactory(PiFactory):
    """gpiozero pin factory for a simulated Raspberry Pi (a Pi 4 Model B).

    :param world: the world to live in; by default one from the environment
        (``SIM_SEED``, ``SIM_CLOCK``, ``SIM_SPEED``), closed with the factory.
    :param wiring: which part is on which GPIO: a built-in layout's name (``"recipes"``),
        the path of a TOML wiring file, a dict, or a :class:`~simulators.wiring.PiWiring`.
        By default ``SIM_PI_WIRING``, or ``course`` (the course's breadboard).
    :param name: the board's name in the world (parts are named ``<name>.<part>``).

    Example::

        Device.pin_factory = SimFactory(World(seed=1, clock="virtual"))
        led = LED(17)
        led.on(); print(Device.pin_factory.parts["led"].is_lit)   # True
    """

    REVISION = 0xC03111  # Raspberry Pi 4 Model B, 4 GB

    def __init__(self, world: World | None = None, *, wiring: Any = None,
                 name: str = "pi") -> None:
        super().__init__()
        self._owns_world = world is None
        self.world = world if world is not None else world_from_env()
        try:
            if name in self.world.boards:
                raise ConfigError(f"a board named {name!r} already exists in this world")
            self.name = name
            self.pin_class = SimPin
            if wiring is None:
                wiring = os.environ.get("SIM_PI_WIRING") or "course"
            self.wiring = load_pi_wiring(wiring)
            self.pin_uses = plan_pins(self.wiring)
            self.parts: dict[str, Part] = {}
            self.pin_parts: dict[int, Part] = {}
            self.spi_chips: dict[int, MCP3008] = {}
            self._chip_names: dict[MCP3008, str] = {}
            self._warned: set[Any] = set()
            self._build_parts()
        except BaseException:
            if self._owns_world:
                self.world.close()
            raise
        self.world.boards[name] = self

    def _build_parts(self) -> None:
        source = self.wiring.source
        for pin, spec in self.wiring.pins.items():
            part = self._add_part(spec, f"{source}: GPIO{pin}")
            self.pin_parts[pin] = part
        for select, chip in self.wiring.spi.items():
            where = f"{source}: [spi.{select}]"
            adc = self._add_part({"part": chip["chip"], "name": chip["name"], **chip["options"]},
                                 where)
            for channel, spec in chip["channels"].items():
                adc.connect(channel, self._add_part(spec, f"{where} CH{channel}"))
            self.spi_chips[list(SPI_SELECT_PINS).index(select)] = adc
            self._chip_names[adc] = chip["name"]

    def _add_part(self, spec: dict[str, Any], where: str) -> Any:
        kind = spec["part"]
        skip = ("part", "name", *PARTS[kind].extra_pins)
        options = {k: v for k, v in spec.items() if k not in skip}
        try:
            part = self.world.add_part(kind, f"{self.name}.{spec['name']}", **options)
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        self.parts[spec["name"]] = part
        return part

    def part_on(self, pin: int) -> Part | None:
        """The part wired to GPIO ``pin`` (one of a two-pin part's pins too), or None."""
        use = self.pin_uses.get(pin)
        if use is None or use.kind == "spi":
            return None
        return self.parts[use.name]

    def _get_revision(self) -> int:
        return self.REVISION

    def ticks(self) -> float:
        """Simulated seconds (gpiozero measures held_time, active_time with this)."""
        return self.world.clock.now()

    @staticmethod
    def ticks_diff(later: float, earlier: float) -> float:
        return later - earlier

    # -- checking what gpiozero makes on each pin ---------------------------------------

    def reserve_pins(self, requester: Any, *names: Any) -> None:
        """gpiozero reserves a device's pins while it builds the device: check the device
        fits the wiring (warn once per pin if not), then reserve as usual."""
        for name in names:
            for _header, info in self.board_info.find_pin(name):
                if info.name.startswith("GPIO"):
                    self._check_fit(int(info.name[4:]), requester)
        super().reserve_pins(requester, *names)

    def _check_fit(self, pin: int, requester: Any) -> None:
        """Warn (once per pin) when the device ``requester`` does not fit what ``pin`` is
        wired to, or when nothing is wired there."""
        if pin in self._warned:
            return
        kind, device = device_kind(requester)
        use = self.pin_uses.get(pin)
        if use is None:
            if kind == "spi":
                return  # an SPI bus with no chip: spi_chip() says so, once
            message = (f"GPIO{pin} has nothing wired to it in {self.wiring.source}, so "
                       f"{_a(device)} made on it {self._does_nothing(kind)}: "
                       f"{self._advice(pin, kind)}")
        elif kind in FITS.get(use.key, frozenset({kind})):
            return
        else:
            message = (f"GPIO{pin} is wired to {use.describe()}, but {_a(device)} was "
                       f"created on it: {self._advice(pin, kind)}")
        self._warn(pin, message)

    @staticmethod
    def _does_nothing(kind: str) -> str:
        """What a device of ``kind`` does on a pin with nothing wired to it."""
        if kind in ("input", "button", "motion sensor", "light sensor", "line sensor",
                    "distance echo", "rotary encoder"):
            return "reads only its pull resistor"
        return "drives nothing"

    def _advice(self, pin: int, kind: str) -> str:
        """What to do: a built-in wiring with the right part there, or write one."""
        fits = [name for name in layouts_fitting(pin, kind) if name != self.wiring.name]
        what = KIND_WORDS.get(kind, _a(kind))
        show = f"`python -m simulators pi --wiring {self.wiring.name}` shows what is where"
        if fits:
            others = f" (or {', '.join(fits[1:])})" if len(fits) > 1 else ""
            return (f"set SIM_PI_WIRING={fits[0]}{others}, a built-in wiring with {what} on "
                    f"GPIO{pin}, or the path of your own wiring file; {show}.")
        if not any(kind in fit for fit in FITS.values()):
            return f"the simulator has no part for {what}, so it does nothing; {show}."
        return (f"no built-in wiring has {what} on GPIO{pin}: use another pin, or write a "
                "wiring file that has it (simulators/README.md shows the format) and set "
                f"SIM_PI_WIRING to its path; {show}.")

    def _warn(self, key: Any, message: str) -> None:
        """Warn once per ``key`` (a pin, an SPI chip select, a channel)."""
        if key in self._warned:
            return
        self._warned.add(key)
        warnings.warn(WiringWarning(message), stacklevel=_stacklevel())

    # -- SPI --------------------------------------------------------------------------------

    def _get_spi_class(self, shared: bool, hardware: bool) -> type:
        if not hardware:
            raise NotSimulatedError(
                "software (bit-banged) SPI is not simulated: the simulated Pi's SPI chips sit "
                "on the hardware SPI pins (SCLK GPIO11, MOSI GPIO10, MISO GPIO9, chip select "
                "GPIO8 = CE0 or GPIO7 = CE1), which gpiozero uses when you give no pins: "
                "MCP3008(channel=0), or MCP3008(channel=0, device=1) for CE1")
        return SimSPIShared if shared else SimSPI

    def spi_chip(self, device: int) -> MCP3008 | None:
        """The chip on SPI0's chip select ``device`` (0: CE0, 1: CE1), or None (with a
        warning: reads give 0)."""
        chip = self.spi_chips.get(device)
        if chip is None:
            select = list(SPI_SELECT_PINS)[device]
            fits = [name for name in pi_layouts() if select in load_pi_wiring(name).spi]
            built_in = ", ".join(fits) or "none is built in"
            self._warn(("spi", device),
                       f"nothing is wired to SPI0 {select} (GPIO{SPI_SELECT_PINS[select]}) in "
                       f"{self.wiring.source}, so every read gives 0: set SIM_PI_WIRING to a "
                       f"wiring with an MCP3008 on {select} ({built_in}) or add a "
                       f"[spi.{select}] table to your wiring file.")
        return chip

    def check_channel(self, device: int, chip: MCP3008) -> None:
        """Warn (once) when a conversion read a channel with nothing wired to it."""
        channel = chip.last_channel
        if channel is not None and channel not in chip.channels:
            wired = ", ".join(f"CH{c} {p.kind}" for c, p in sorted(chip.channels.items()))
            self._warn(("channel", device, channel),
                       f"CH{channel} of the MCP3008 {self._chip_names[chip]!r} on SPI0 "
                       f"CE{device} has nothing wired to it in "
                       f"{self.wiring.source}, so it reads 0 (wired: {wired or 'nothing'}).")

    def reset(self) -> None:
        """Close every pin and forget reservations (for test suites)."""
        for pin in list(self.pins.values()):
            pin.close()
        self.pins.clear()
        self._reservations.clear()

    def close(self) -> None:
        super().close()
        if self._owns_world:
            self.world.close()

    def __repr__(self) -> str:
        return f"<SimFactory {self.name!r} {self.wiring.name!r} in {self.world!r}>"

    def view(self, **options: Any) -> Any:
        """A live picture of this Pi, its parts and the room (:mod:`simulators.view`)."""
        from .view import view

        return view(self, **options)


class DHT22:
    """A DHT22 reader shaped like Adafruit's ``adafruit_dht.DHT22`` (the one Pi users know).

    :param pin: the GPIO number (``23``), a name (``"GPIO23"``), or an object with an
        ``id`` (like ``board.D23``).
    :param pin_factory: the :class:`SimFactory` (default: gpiozero's current one).

    Reading :attr:`temperature` or :attr:`humidity` talks to the sensor at most every
    2 seconds (in between you get the last values) and raises :class:`RuntimeError` now and
    then, like the real one: retry in a loop.

    Example::

        dht = DHT22(23)
        print(dht.temperature, dht.humidity)   # may raise RuntimeError: try again
        dht.exit()
    """

    def __init__(self, pin: Any, use_pulseio: bool = True, *,
                 pin_factory: SimFactory | None = None) -> None:
        if pin_factory is None:
            Device.ensure_pin_factory()
            pin_factory = Device.pin_factory
        if not isinstance(pin_factory, SimFactory):
            raise ConfigError("the DHT22 reader needs the sim pin factory")
        self.factory = pin_factory
        self.pin = parse_pi_pin(getattr(pin, "id", pin))
        self._last: float | None = None
        self._temperature: float | None = None
        self._humidity: float | None = None

    def measure(self) -> None:
        """Read the sensor if 2 s have passed since the last read; raise RuntimeError if
        the read fails."""
        clock = self.factory.world.clock
        with clock.hold():
            now = clock.now()
            if self._last is not None and now - self._last < 2.0:
                return
            self._last = now
            part = self.factory.pin_parts.get(self.pin)
            if not isinstance(part, DHT22Part):
                raise RuntimeError("DHT sensor not found, check wiring")
            try:
                self._temperature, self._humidity = part.read()
            except ChecksumError as exc:
                raise ChecksumError("Checksum did not validate. Try again.") from exc
            except SensorReadError as exc:
                raise type(exc)("A full buffer was not returned. Try again.") from exc

    @property
    def temperature(self) -> float | None:
        """Temperature in °C."""
        self.measure()
        return self._temperature

    @property
    def humidity(self) -> float | None:
        """Relative humidity in %."""
        self.measure()
        return self._humidity

    def exit(self) -> None:
        """Release the sensor (kept for compatibility with the real library)."""
