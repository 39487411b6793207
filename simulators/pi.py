"""The simulated Raspberry Pi: a gpiozero pin factory, and a DHT22 reader.

With ``GPIOZERO_PIN_FACTORY=sim`` (the entry point ``sim`` in the group
``gpiozero_pin_factories``), unmodified gpiozero code drives simulated parts::

    from gpiozero import LED, Button
    led = LED(17)                      # the LED on GPIO17
    Button(2).when_pressed = led.on    # the button on GPIO2

The factory made by the entry point builds its own world from the environment:
``SIM_SEED`` (default 0), ``SIM_CLOCK`` (``realtime``, the default, or ``virtual``) and
``SIM_SPEED``. To share a room with a Uno, build the factory from that world instead::

    world = World(seed=1)
    Device.pin_factory = world.pi_factory()

Edges (``when_pressed``, ``when_motion``, ...) are delivered from the clock, so in virtual
mode they fire while something advances it (``world.clock.advance(1)``). ``ticks()`` is
simulated time, so ``held_time`` and friends are simulated seconds too.
"""

from __future__ import annotations

import os
from typing import Any

from gpiozero import Device
from gpiozero.exc import (
    PinFixedPull,
    PinInvalidBounce,
    PinInvalidFunction,
    PinInvalidPull,
    PinInvalidState,
    PinSetInput,
)
from gpiozero.pins.pi import PiFactory, PiPin

from .errors import ChecksumError, ConfigError, SensorReadError
from .parts import DHT22 as DHT22Part
from .parts import Part
from .wiring import PI_WIRING, normalise_wiring, parse_pi_pin
from .world import World

__all__ = ["SimFactory", "SimPin", "DHT22"]


def world_from_env() -> World:
    """A world configured by ``SIM_SEED``, ``SIM_CLOCK`` and ``SIM_SPEED``."""
    try:
        seed = int(os.environ.get("SIM_SEED", "0"))
        speed = float(os.environ.get("SIM_SPEED", "1"))
    except ValueError as exc:
        raise ConfigError(f"bad SIM_SEED or SIM_SPEED: {exc}") from None
    return World(seed=seed, clock=os.environ.get("SIM_CLOCK", "realtime"), speed=speed)


class SimPin(PiPin):
    """A GPIO pin of the simulated Pi, connected to whatever part the wiring puts on it.

    Every pin does software PWM (like the lgpio factory). Unwired pins float: they read
    their pull (up 1, down or floating 0).
    """

    def __init__(self, factory: SimFactory, info: Any) -> None:
        super().__init__(factory, info)
        self._clock = factory.world.clock
        self._part: Part | None = factory.pin_parts.get(int(info.name[4:]))
        self._function = "input"
        self._pull = info.pull or "floating"
        self._output: float = 0
        self._frequency: float | None = None
        self._bounce: float | None = None
        self._edges = "both"
        self._level = 0
        self._last_edge: float | None = None

    def close(self) -> None:
        self.when_changed = None
        self.frequency = None
        self.function = "input"

    @property
    def part(self) -> Part | None:
        """The simulated part on this pin (None if nothing is wired to it)."""
        return self._part

    def _input_level(self) -> int:
        level = self._part.level() if self._part is not None else None
        if level is None:
            return 1 if self._pull == "up" else 0
        return level

    def _get_function(self) -> str:
        return self._function

    def _set_function(self, value: str) -> None:
        if value not in ("input", "output"):
            raise PinInvalidFunction(f"invalid function {value!r} for pin {self!r}")
        with self._clock.lock:
            self._function = value
            if value == "input":
                self._frequency = None
                self._push(0)  # a floating pin switches nothing
            else:
                self._push(self._output)

    def _get_state(self) -> float:
        with self._clock.lock:
            if self._function == "output":
                return self._output
            return self._input_level()

    def _set_state(self, value: float) -> None:
        if self._function == "input":
            raise PinSetInput(f"cannot set state of input pin {self!r}")
        if not 0 <= value <= 1:
            raise PinInvalidState(f"invalid state {value!r} for pin {self!r}")
        with self._clock.lock:
            self._output = value if self._frequency else int(bool(value))
            self._push(self._output)

    def _push(self, value: float) -> None:
        if self._part is None:
            return
        if self._frequency:
            self._part.write_pwm(float(value), self._frequency)
        else:
            self._part.write(1 if value else 0)

    def _get_pull(self) -> str:
        return self._pull

    def _set_pull(self, value: str) -> None:
        if self._function != "input":
            raise PinFixedPull(f"cannot set pull on non-input pin {self!r}")
        if self.info.pull and value != self.info.pull:
            raise PinFixedPull(f"{self!r} has a fixed pull resistor")
        if value not in ("floating", "up", "down"):
            raise PinInvalidPull("pull must be floating, up, or down")
        with self._clock.lock:
            self._pull = value
            self._on_part_change(self._part)

    def _get_frequency(self) -> float | None:
        return self._frequency

    def _set_frequency(self, value: float | None) -> None:
        with self._clock.lock:
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
        with self._clock.lock:
            self._level = self._input_level()
            if self._part is not None:
                self._part.add_listener(self._on_part_change)

    def _disable_event_detect(self) -> None:
        with self._clock.lock:
            if self._part is not None:
                self._part.remove_listener(self._on_part_change)

    def _on_part_change(self, part: Part | None) -> None:
        if self._function != "input" or self._when_changed is None:
            return
        level = self._input_level()
        if level == self._level:
            return
        self._level = level
        now = self._clock.now()
        if self._bounce and self._last_edge is not None and now - self._last_edge < self._bounce:
            return  # debounced: ignore edges within `bounce` seconds of the last one
        self._last_edge = now
        if self._edges == "both" or self._edges == ("rising" if level else "falling"):
            self._call_when_changed(now, level)


class SimFactory(PiFactory):
    """gpiozero pin factory for a simulated Raspberry Pi (a Pi 4 Model B).

    :param world: the world to live in; by default one from the environment
        (``SIM_SEED``, ``SIM_CLOCK``, ``SIM_SPEED``), closed with the factory.
    :param wiring: which part is on which GPIO (default :data:`~simulators.PI_WIRING`).
    :param name: the board's name in the world (parts are named ``<name>.<part>``).

    Example::

        Device.pin_factory = SimFactory(World(seed=1, clock="virtual"))
        led = LED(17)
        led.on(); print(Device.pin_factory.parts["led"].is_lit)   # True
    """

    REVISION = 0xC03111  # Raspberry Pi 4 Model B, 4 GB

    def __init__(self, world: World | None = None, *, wiring: dict[Any, Any] | None = None,
                 name: str = "pi") -> None:
        super().__init__()
        self._owns_world = world is None
        self.world = world if world is not None else world_from_env()
        if name in self.world.boards:
            raise ConfigError(f"a board named {name!r} already exists in this world")
        self.name = name
        self.pin_class = SimPin
        self.wiring = normalise_wiring(PI_WIRING if wiring is None else wiring, parse_pi_pin)
        self.parts: dict[str, Part] = {}
        self.pin_parts: dict[int, Part] = {}
        for pin, spec in self.wiring.items():
            options = {k: v for k, v in spec.items() if k not in ("part", "name")}
            part = self.world.add_part(spec["part"], f"{name}.{spec['name']}", **options)
            self.parts[spec["name"]] = part
            self.pin_parts[pin] = part
        self.world.boards[name] = self

    def _get_revision(self) -> int:
        return self.REVISION

    def ticks(self) -> float:
        """Simulated seconds (gpiozero measures held_time, active_time with this)."""
        return self.world.clock.now()

    @staticmethod
    def ticks_diff(later: float, earlier: float) -> float:
        return later - earlier

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
        return f"<SimFactory {self.name!r} in {self.world!r}>"


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
        with clock.lock:
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
