"""The simulated Arduino Uno: pins, parts, a serial port, and a sketch run on the clock.

The board runs a sketch the way the Arduino core does: after a reset it waits for the
bootloader, calls ``setup()`` once, then calls ``loop()`` again and again. A sketch's
``delay()`` lets simulated time pass (everything else in the world keeps running), so a
sketch that reports once a second costs one event per second, not one per millisecond.
A ``loop()`` that never delays is run once per simulated millisecond.

The serial port has two ends. The sketch uses ``Serial`` (see :mod:`simulators.arduino`);
a host program reaches the other end through ``sim://`` (pyserial), a pty, or TCP. Like the
real board: opening the port with DTR resets the board; a host baud rate that differs
from ``Serial.begin()`` turns bytes into garbage; :meth:`Uno.unplug` makes the host's next
read fail; the board keeps 64 bytes of input and the host 4096 bytes of output.

Example::

    world = World(seed=1)
    uno = world.add_uno("blink")
    world.clock.advance(3)
    print(uno.parts["builtin"].is_lit)
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, DeviceUnpluggedError, PortBusyError, SketchError
from .parts import Part
from .wiring import UNO_WIRING, normalise_wiring, parse_uno_pin

if TYPE_CHECKING:
    from .world import World

__all__ = ["Uno", "SerialLink", "SKETCHES", "sketch_path", "describe_sketches"]

SKETCH_DIR = Path(__file__).with_name("sketches")
#: The built-in sketches (name -> file); ``python -m simulators list`` shows them.
SKETCHES = {p.stem: p for p in sorted(SKETCH_DIR.glob("*.py")) if not p.stem.startswith("_")}

INPUT, OUTPUT, INPUT_PULLUP = 0, 1, 2
PWM_PINS = frozenset({3, 5, 6, 9, 10, 11})
PWM_HZ = {5: 980.0, 6: 980.0}  # the others run at 490 Hz

_local = threading.local()


class _BoardReset(BaseException):
    """Unwinds a running sketch when its board is reset or its world closes (not an error)."""


def current_board() -> Uno:
    """The board whose sketch is running in this thread."""
    board = getattr(_local, "board", None)
    if board is None:
        raise SketchError("Arduino functions only work inside a sketch running on a board")
    return board


def sketch_path(sketch: str) -> Path:
    """The file of a built-in sketch name, or of a path to a ``.py`` sketch."""
    if sketch in SKETCHES:
        return SKETCHES[sketch]
    path = Path(sketch)
    if path.suffix == ".py" and path.is_file():
        return path
    raise ConfigError(f"unknown sketch {sketch!r}; built-in sketches: {', '.join(SKETCHES)}")


def describe_sketches() -> dict[str, str]:
    """Each built-in sketch with the first line of its docstring."""
    result = {}
    for name, path in SKETCHES.items():
        text = path.read_text(encoding="utf-8")
        doc = text.split('"""')[1].strip().splitlines()[0] if '"""' in text else ""
        result[name] = doc
    return result


class SerialLink:
    """The Uno's serial port: the sketch's end (``Serial``) and the host's end."""

    RX_SIZE = 64  # the Uno's receive buffer (HardwareSerial)
    TX_SIZE = 64  # its transmit buffer: printing more than that waits for the wire
    HOST_SIZE = 4096  # what the computer buffers before it drops bytes

    def __init__(self, board: Uno) -> None:
        self.board = board
        self.clock = board.clock
        self.board_baud: int | None = None  # set by Serial.begin()
        self.host_baud: int | None = None  # set while a host has the port open
        self.host: object | None = None
        self.session = 0  # bumped on unplug: open host ends notice they are dead
        self.rx = bytearray()  # host -> sketch
        self.host_buffer = bytearray()  # sketch -> host
        self.dropped = 0  # bytes lost to full buffers
        self.listeners: list[Callable[[], None]] = []
        self._rng = board.clock.rng(f"{board.name}/line-noise")
        self._tx_free_us = 0

    @property
    def mismatch(self) -> bool:
        """True when both ends run at different baud rates."""
        return (self.host_baud is not None and self.board_baud is not None
                and self.host_baud != self.board_baud)

    def garble(self, data: bytes) -> bytes:
        """What ``data`` looks like at the wrong baud rate: deterministic garbage."""
        return self._rng.randbytes(len(data))

    # -- the sketch's end -------------------------------------------------------------

    def board_write(self, data: bytes) -> None:
        """``Serial.print``: send bytes to the host (blocking while the TX buffer is full)."""
        baud = self.board_baud
        if baud is None or not data:
            return
        now = self.clock.now_us
        byte_us = 10_000_000 / baud  # 8N1: ten bits a byte
        self._tx_free_us = max(now, self._tx_free_us) + int(len(data) * byte_us)
        if self.host is not None:
            self._deliver(self.garble(data) if self.mismatch else data)
        backlog = self._tx_free_us - now - int(self.TX_SIZE * byte_us)
        if backlog > 0:
            self.board.delay_us(backlog)

    def _deliver(self, data: bytes) -> None:
        space = self.HOST_SIZE - len(self.host_buffer)
        if len(data) > space:
            self.dropped += len(data) - space
            data = data[:space]
        self.host_buffer += data
        for listener in self.listeners:
            listener()
        if not self.clock.virtual:
            self.clock.notify()

    def flush_us(self) -> int:
        """Microseconds until the last byte has left (``Serial.flush()`` waits that long)."""
        return max(0, self._tx_free_us - self.clock.now_us)

    # -- the host's end ---------------------------------------------------------------

    def open(self, host: object, baud: int | None) -> int:
        """Attach a host end; returns the session it must present. Raises if busy/unplugged."""
        with self.clock.lock:
            if not self.board.plugged:
                raise DeviceUnpluggedError(f"{self.board.name}: no such device (unplugged)")
            if self.host is not None and self.host is not host:
                raise PortBusyError(f"{self.board.name}: the port is already open")
            self.host = host
            self.host_baud = baud
            self.host_buffer.clear()
            return self.session

    def close(self, host: object) -> None:
        """Detach the host end ``host``."""
        with self.clock.lock:
            if self.host is host:
                self.host = None
                self.host_baud = None
                self.host_buffer.clear()

    def check(self, session: int) -> None:
        """Raise :class:`DeviceUnpluggedError` unless ``session`` is still alive."""
        if session != self.session or not self.board.plugged:
            raise DeviceUnpluggedError(
                f"{self.board.name}: device disconnected (the board was unplugged)")

    def host_write(self, data: bytes) -> int:
        """Bytes from the host to the sketch; what does not fit in 64 bytes is lost."""
        with self.clock.lock:
            if self.board_baud is not None and self.mismatch:
                data = self.garble(data)
            if self.board_baud is None:
                self.dropped += len(data)  # the UART is off: nobody listens
            else:
                space = self.RX_SIZE - len(self.rx)
                self.dropped += max(0, len(data) - space)
                self.rx += data[:space]
            if not self.clock.virtual:
                self.clock.notify()
        return len(data)

    def take(self, size: int) -> bytes:
        """Remove and return up to ``size`` bytes the host has not read yet."""
        data = bytes(self.host_buffer[:size])
        del self.host_buffer[:size]
        return data


class Uno:
    """A simulated Arduino Uno in a world.

    :param world: the world it lives in (clock, room).
    :param sketch: a built-in sketch name (``python -m simulators list``), a path to a
        ``.py`` sketch, a class with ``setup``/``loop`` methods (one instance per reset), or
        any object with ``setup`` and ``loop`` callables.
    :param name: the board's name (its parts are named ``<name>.<part>`` in the world).
    :param wiring: the board description (default :data:`~simulators.wiring.UNO_WIRING`).
    :param params: settings for the sketch (e.g. ``{"interval": 500}``), as ``PARAMS``.
    :param boot_ms: how long the bootloader waits after a reset before ``setup()``.
    """

    MIN_LOOP_US = 1000

    def __init__(
        self,
        world: World,
        sketch: Any = "blink",
        *,
        name: str = "uno",
        wiring: dict[Any, Any] | None = None,
        params: dict[str, Any] | None = None,
        boot_ms: int = 500,
    ) -> None:
        if name in world.boards:
            raise ConfigError(f"a board named {name!r} already exists in this world")
        self.world = world
        self.clock = world.clock
        self.name = name
        self.sketch_source = sketch
        self.sketch_name = sketch if isinstance(sketch, str) else type(sketch).__name__
        if isinstance(sketch, str):
            sketch_path(sketch)  # fail now on an unknown name
        self.params = dict(params or {})
        self.boot_us = int(boot_ms) * 1000
        self.wiring = normalise_wiring(UNO_WIRING if wiring is None else wiring, parse_uno_pin)
        self.parts: dict[str, Part] = {}
        self.pin_parts: dict[int, Part] = {}
        for pin, spec in self.wiring.items():
            options = {k: v for k, v in spec.items() if k not in ("part", "name")}
            part = world.add_part(spec["part"], f"{name}.{spec['name']}", **options)
            self.parts[spec["name"]] = part
            self.pin_parts[pin] = part
        self.serial = SerialLink(self)
        self.modes = [INPUT] * 20
        self.latch = [0] * 20
        self.plugged = True
        self.generation = 0
        self.started_us = 0
        self.resets = 0
        self.error: BaseException | None = None
        self.sketch: Any = None
        self._rng = self.clock.rng(f"{name}/floating")
        self._loop_event: Any = None
        world.boards[name] = self
        self.reset()

    def __repr__(self) -> str:
        return f"<Uno {self.name!r} sketch={self.sketch_name!r} in {self.world!r}>"

    # -- power and reset ----------------------------------------------------------------

    def reset(self) -> None:
        """Press reset (or pulse DTR): every pin back to input, the sketch starts over."""
        with self.clock.lock:
            self.generation += 1
            self.resets += 1
            self.error = None
            if self._loop_event is not None:
                self._loop_event.cancel()
                self._loop_event = None
            for pin, part in self.pin_parts.items():
                if self.modes[pin] == OUTPUT:
                    part.write(0)
            self.modes = [INPUT] * 20
            self.latch = [0] * 20
            self.serial.board_baud = None
            self.serial.rx.clear()
            if self.plugged:
                self._loop_event = self.clock.call_at(
                    self.clock.now_us + self.boot_us, self._boot, self.generation)

    def unplug(self) -> None:
        """Pull the USB cable: the board loses power and the host's port dies."""
        with self.clock.lock:
            self.plugged = False
            self.serial.session += 1
            self.serial.host = None
            self.serial.host_baud = None
            self.reset()

    def plug(self) -> None:
        """Plug the cable back in: the board powers up and boots (the host must reopen)."""
        with self.clock.lock:
            if not self.plugged:
                self.plugged = True
                self.reset()

    # -- running the sketch -------------------------------------------------------------

    def _load_sketch(self) -> Any:
        source = self.sketch_source
        if isinstance(source, str):
            path = sketch_path(source)
            spec = importlib.util.spec_from_file_location(f"sketch_{path.stem}", path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            module.PARAMS = dict(self.params)  # type: ignore[attr-defined]
            spec.loader.exec_module(module)
            return module
        if isinstance(source, type):
            return source()
        if isinstance(source, ModuleType | SimpleNamespace) or hasattr(source, "loop"):
            return source
        raise ConfigError(f"a sketch needs setup() and loop(): {source!r}")

    def _run(self, generation: int, step: Callable[[Any], None], gap_us: int) -> None:
        if generation != self.generation:
            return
        previous = getattr(_local, "board", None)
        _local.board = self
        try:
            step(self.sketch)
        except _BoardReset:
            return
        except Exception as exc:
            self.error = exc
            self._loop_event = None
            raise SketchError(f"{self.name}: the sketch raised {exc!r}; board halted") from exc
        finally:
            _local.board = previous
        if generation == self.generation and not self.clock.closed:
            nxt = max(self.clock.now_us, self._loop_started + gap_us)
            self._loop_event = self.clock.call_at(nxt, self._loop, generation)

    def _boot(self, generation: int) -> None:
        self.started_us = self.clock.now_us
        self._loop_started = self.started_us
        previous = getattr(_local, "board", None)
        _local.board = self  # sketch modules may use the board at import time
        try:
            self.sketch = self._load_sketch()
        finally:
            _local.board = previous
        setup = getattr(self.sketch, "setup", None)
        self._run(generation, lambda s: setup() if setup else None, 0)

    def _loop(self, generation: int) -> None:
        self._loop_started = self.clock.now_us
        self._run(generation, lambda s: s.loop(), self.MIN_LOOP_US)

    def millis(self) -> int:
        """Milliseconds since the sketch started."""
        return (self.clock.now_us - self.started_us) // 1000

    def micros(self) -> int:
        """Microseconds since the sketch started."""
        return self.clock.now_us - self.started_us

    def delay_us(self, us: int) -> None:
        """Let ``us`` microseconds pass inside the sketch (everything else keeps running)."""
        generation = self.generation
        self.clock.run_until(self.clock.now_us + int(us))
        if generation != self.generation or self.clock.closed:
            raise _BoardReset

    def wait_until(self, predicate: Callable[[], bool], us: int) -> bool:
        """Inside the sketch: wait up to ``us`` microseconds for ``predicate()``."""
        generation = self.generation
        done = self.clock.run_until(self.clock.now_us + int(us), predicate)
        if generation != self.generation or self.clock.closed:
            raise _BoardReset
        return done

    # -- pins ---------------------------------------------------------------------------

    def set_mode(self, pin: int, mode: int) -> None:
        """``pinMode``."""
        self.modes[pin] = mode
        part = self.pin_parts.get(pin)
        if part is not None and mode == OUTPUT:
            part.write(self.latch[pin])

    def write_digital(self, pin: int, level: int) -> None:
        """``digitalWrite``: drives an OUTPUT; on an INPUT, HIGH turns the pull-up on."""
        level = 1 if level else 0
        if self.modes[pin] != OUTPUT:
            self.modes[pin] = INPUT_PULLUP if level else INPUT
            return
        self.latch[pin] = level
        part = self.pin_parts.get(pin)
        if part is not None:
            part.write(level)

    def read_digital(self, pin: int) -> int:
        """``digitalRead``."""
        if self.modes[pin] == OUTPUT:
            return self.latch[pin]
        part = self.pin_parts.get(pin)
        level = part.level() if part is not None else None
        if part is not None and part.role == "analog":
            level = 1 if part.analog() >= 512 else 0
        if level is None:
            if self.modes[pin] == INPUT_PULLUP or (part is not None and part.role == "sensor"):
                return 1
            return self._rng.getrandbits(1)  # a floating pin reads whatever it picks up
        return level

    def read_analog(self, pin: int) -> int:
        """``analogRead``: 0 to 1023."""
        part = self.pin_parts.get(pin)
        if part is None:
            return self._rng.randint(250, 450)  # floating: noise
        if part.role == "analog":
            return part.analog()
        level = part.level()
        return 1023 if level or (level is None and self.modes[pin] == INPUT_PULLUP) else 0

    def write_analog(self, pin: int, value: int) -> None:
        """``analogWrite``: PWM on 3, 5, 6, 9, 10, 11; elsewhere HIGH from 128 up."""
        value = min(255, max(0, int(value)))
        self.modes[pin] = OUTPUT
        if pin not in PWM_PINS or value in (0, 255):
            self.write_digital(pin, 1 if value >= 128 else 0)
            return
        self.latch[pin] = 1
        part = self.pin_parts.get(pin)
        if part is not None:
            part.write_pwm(value / 255, PWM_HZ.get(pin, 490.0))

    def part_on(self, pin: int) -> Part | None:
        """The part wired to ``pin``, if any."""
        return self.pin_parts.get(pin)
