"""The simulated Arduino Uno: pins, parts, a serial port, and a sketch run on the clock.

The board runs a sketch the way the Arduino core does: after a reset it waits for the
bootloader, calls ``setup()`` once, then calls ``loop()`` again and again. A sketch's
``delay()`` lets simulated time pass (everything else in the world keeps running), so a
sketch that reports once a second costs one event per second, not one per millisecond.
A ``loop()`` that never delays is run once per simulated millisecond.

The serial port has two ends. The sketch uses ``Serial`` (see :mod:`simulators.arduino`);
a host program reaches the other end through ``sim://`` (pyserial), a pty, or TCP. Like the
real board: bytes travel at the baud rate both ways (:class:`SerialLink`); opening the
port with DTR resets the board; a host baud rate that differs from ``Serial.begin()``
turns bytes into garbage; :meth:`Uno.unplug` makes the host's next read fail; the board
keeps 64 bytes of input, so a sketch that reads too slowly loses bytes.

Example::

    world = World(seed=1)
    uno = world.add_uno("blink")
    world.clock.advance(3)
    print(uno.parts["builtin"].is_lit)
"""

from __future__ import annotations

import importlib.util
import operator
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import TYPE_CHECKING, Any

from .clock import earliest
from .errors import ConfigError, DeviceUnpluggedError, PortBusyError, SketchError
from .parts import Part
from .wiring import UNO_WIRING, normalise_wiring, parse_uno_pin

if TYPE_CHECKING:
    from .world import World

__all__ = ["Uno", "SerialLink", "SKETCHES", "sketch_path", "describe_sketches",
           "current_board", "running_board"]

SKETCH_DIR = Path(__file__).with_name("sketches")
#: The built-in sketches (name -> file); ``python -m simulators list`` shows them.
SKETCHES = {p.stem: p for p in sorted(SKETCH_DIR.glob("*.py")) if not p.stem.startswith("_")}

INPUT, OUTPUT, INPUT_PULLUP = 0, 1, 2
PWM_PINS = frozenset({3, 5, 6, 9, 10, 11})
PWM_HZ = {5: 980.0, 6: 980.0}  # the others run at 490 Hz


_NOT_IN_A_SKETCH = "Arduino functions only work inside a sketch running on a board"


class _NoBoard:
    """Stands in for the running board while no sketch runs: using it raises SketchError."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        raise SketchError(_NOT_IN_A_SKETCH)

    def __setattr__(self, name: str, value: Any) -> None:
        raise SketchError(_NOT_IN_A_SKETCH)


_NO_BOARD = _NoBoard()

#: The board whose sketch is running. A context variable, so each thread sees its own, like
#: a thread-local (reading one costs a third of what a ``threading.local`` attribute does).
_running: ContextVar[Uno | _NoBoard] = ContextVar("simulators.uno.running", default=_NO_BOARD)

#: ``running_board()``: the board whose sketch is running, for the Arduino functions. It is
#: :func:`current_board` without a Python call (they run many times a simulated second);
#: outside a sketch it returns a stand-in that raises :class:`SketchError` when used.
running_board = _running.get


class _BoardReset(BaseException):
    """Unwinds a running sketch when its board is reset or its world closes (not an error)."""


#: ``_call_loop(sketch)`` calls ``sketch.loop()`` (made once, not a new lambda every loop).
_call_loop = operator.methodcaller("loop")


def current_board() -> Uno:
    """The board whose sketch is running in this thread."""
    board = _running.get()
    if board is _NO_BOARD:
        raise SketchError(_NOT_IN_A_SKETCH)
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


BITS_PER_BYTE = 10  # 8N1: a start bit, eight data bits, a stop bit


class _Burst:
    """Bytes sent back to back from ``start_us``: byte ``i`` (counted from the burst's
    start) has arrived at ``start_us + ceil((i + 1) * 10 * 1e6 / baud)`` µs."""

    __slots__ = ("start_us", "baud", "data", "first")

    def __init__(self, start_us: int, baud: int, data: bytes) -> None:
        self.start_us = start_us
        self.baud = baud
        self.data = bytearray(data)  # not taken by the receiver yet
        self.first = 0  # how many bytes of the burst were taken already

    def due_us(self, index: int) -> int:
        """When ``data[index]`` has arrived (its stop bit is done)."""
        bits = (self.first + index + 1) * BITS_PER_BYTE * 1_000_000
        return self.start_us - (-bits // self.baud)  # ceiling division

    def arrived(self, now_us: int) -> int:
        """How many bytes of ``data`` have arrived by ``now_us``."""
        count = (now_us - self.start_us) * self.baud // (BITS_PER_BYTE * 1_000_000) - self.first
        if count <= 0:  # min(max(...)) spelt out: this runs on every look at the line
            return 0
        size = len(self.data)
        return count if count < size else size


class Wire:
    """Bytes travelling one way over a serial line, at the baud rate, in order.

    Like a real UART, each byte takes ten bit times (8N1) and the next one follows at once
    while there is more to send; when the line was idle, a new byte starts when it is
    sent. Nothing is scheduled per byte: :meth:`arrived` works out how many bytes have
    reached the other end by a given time, and the receiver takes them in one batch when it
    next looks. (Each stretch sent back to back is a "burst"; there are rarely two.)
    """

    __slots__ = ("bursts", "size")

    def __init__(self) -> None:
        self.bursts: deque[_Burst] = deque()
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def push(self, payload: bytes, now_us: int, baud: int) -> None:
        """Send ``payload`` at ``baud`` after what is still on its way."""
        bursts = self.bursts
        start = now_us
        if bursts:
            last = bursts[-1]
            end = last.due_us(len(last.data) - 1)
            if last.baud == baud and end >= now_us:
                last.data += payload  # the line is busy: these bytes follow back to back
                self.size += len(payload)
                return
            if end > now_us:
                start = end  # the line is busy at another baud rate: after the last byte
        bursts.append(_Burst(start, baud, payload))
        self.size += len(payload)

    def arrived(self, now_us: int) -> int:
        """How many of the queued bytes have reached the other end by ``now_us``."""
        bursts = self.bursts
        if len(bursts) == 1:  # the usual case: _Burst.arrived(), written out
            burst = bursts[0]
            count = ((now_us - burst.start_us) * burst.baud // (BITS_PER_BYTE * 1_000_000)
                     - burst.first)
            if count <= 0:
                return 0
            size = len(burst.data)
            return count if count < size else size
        return self.size - self.pending(now_us)

    def pending(self, now_us: int) -> int:
        """How many bytes have not reached the other end by ``now_us``."""
        # Bursts follow one another in time, so every burst before one that has fully
        # arrived has fully arrived too. Counting from the newest burst back stops there:
        # quick even when nobody reads and thousands of old bursts wait on the wire.
        waiting = 0
        for burst in reversed(self.bursts):
            left = len(burst.data) - burst.arrived(now_us)
            if not left:
                break
            waiting += left
        return waiting

    def take(self, count: int) -> bytes | bytearray:
        """Remove and return the first ``count`` bytes (they have arrived)."""
        bursts = self.bursts
        if bursts and count == len(bursts[0].data):  # the usual case: one whole burst
            self.size -= count
            return bursts.popleft().data  # nobody else holds it now: no copy
        chunks = []
        while count > 0:
            burst = self.bursts[0]
            chunk = burst.data[:count]
            del burst.data[:count]
            burst.first += len(chunk)
            if not burst.data:
                self.bursts.popleft()
            chunks.append(chunk)
            count -= len(chunk)
            self.size -= len(chunk)
        return b"".join(chunks)

    def take_arrived(self, now_us: int) -> bytes | bytearray:
        """Remove and return the bytes that have reached the other end by ``now_us``."""
        bursts = self.bursts
        if len(bursts) == 1:  # the usual case, written out: one burst, all of it there
            burst = bursts[0]
            count = ((now_us - burst.start_us) * burst.baud // (BITS_PER_BYTE * 1_000_000)
                     - burst.first)
            if count >= len(burst.data):
                bursts.clear()
                self.size = 0
                return burst.data  # nobody else holds it now: no copy
        count = self.arrived(now_us)
        return self.take(count) if count else b""

    def due_us(self, index: int) -> int:
        """When queued byte ``index`` (0: the oldest) has arrived."""
        bursts = self.bursts
        if bursts:
            burst = bursts[0]
            if index < len(burst.data):  # the usual case: _Burst.due_us(), written out
                bits = (burst.first + index + 1) * BITS_PER_BYTE * 1_000_000
                return burst.start_us - (-bits // burst.baud)  # ceiling division
        from_end = self.size - index  # 1: the newest byte
        if from_end <= 0:
            raise IndexError("no such byte on the wire")
        for burst in reversed(bursts):  # a long queue: the byte asked for is a recent one
            if from_end <= len(burst.data):
                return burst.due_us(len(burst.data) - from_end)
            from_end -= len(burst.data)
        raise IndexError("no such byte on the wire")

    def end_us(self) -> int | None:
        """When the last queued byte has arrived (None: nothing queued)."""
        if not self.bursts:
            return None
        last = self.bursts[-1]
        return last.due_us(len(last.data) - 1)

    def truncate(self, count: int) -> None:
        """Keep only the first ``count`` queued bytes (throw the rest away unsent)."""
        kept = 0
        for index, burst in enumerate(self.bursts):
            if kept + len(burst.data) > count:
                del burst.data[count - kept:]
                for _ in range(len(self.bursts) - index - 1):
                    self.bursts.pop()
                if not burst.data:
                    self.bursts.pop()
                break
            kept += len(burst.data)
        self.size = min(self.size, count)

    def find(self, pattern: bytes) -> int:
        """The index of ``pattern`` in the queued bytes, or -1."""
        if len(self.bursts) == 1:
            return self.bursts[0].data.find(pattern)
        return self.find_all().find(pattern)

    def find_all(self) -> bytes:
        """All queued bytes, in order."""
        return b"".join(burst.data for burst in self.bursts)

    def clear(self) -> None:
        """Forget everything queued (a reset, an unplug, a flush)."""
        self.bursts.clear()
        self.size = 0


class SerialLink:
    """The Uno's serial port: the sketch's end, the host's end, and the wire between them.

    Bytes travel at the baud rate, ten bits a byte (8N1), both ways, on the world's clock:

    host → board
        ``write()`` hands bytes to the computer, which keeps up to :attr:`HOST_TX_SIZE`
        of them (the tty layer and the USB adapter's buffer; ``write()`` returns once they
        are accepted and waits while it is full). They leave at the host's baud rate and
        land in the board's 64-byte receive buffer ``rx``. A byte that arrives while
        ``rx`` is full, or before the sketch called ``Serial.begin()``, is lost and
        counted in :attr:`rx_dropped`. A sketch that reads ``Serial`` every ``loop()``
        keeps up: 9600 baud is about one byte a millisecond.
    board → host
        ``Serial.print`` puts bytes in the 64-byte transmit buffer (printing more waits for
        the wire, as on the chip); they reach the computer at the sketch's baud rate. Up
        to :attr:`HOST_RX_SIZE` unread bytes wait there for the program (while a program
        is blocked in ``read()``, it takes them as they come); more are lost and counted
        in :attr:`host_dropped`.

    Nothing is scheduled per byte: whoever looks works out what has arrived by now. The
    sketch moves arrived bytes into ``rx`` when it looks (:meth:`settle_board`), the host
    into ``host_buffer`` (:meth:`settle_host`); the host only counts what is on its way to
    the board, so a sketch whose events run late (realtime, a busy computer) still finds
    its bytes in order. Methods for the host (``host_*``, ``open``, ``out_waiting``, ...)
    take the clock's lock themselves; the others run inside the sketch.
    """

    RX_SIZE = 64  # the Uno's receive buffer (HardwareSerial)
    TX_SIZE = 64  # its transmit buffer: printing more than that waits for the wire
    HOST_RX_SIZE = 4096  # unread bytes the computer keeps before it drops more
    HOST_TX_SIZE = 4096  # written bytes the computer accepts before write() has to wait

    def __init__(self, board: Uno) -> None:
        self.board = board
        self.clock = board.clock
        self.board_baud: int | None = None  # set by Serial.begin()
        self.host_baud: int | None = None  # set while a host has the port open (None: TCP)
        self.host: object | None = None
        self.session = 0  # bumped on unplug: open host ends notice they are dead
        self.rx = bytearray()  # arrived at the board, not read by the sketch yet
        self.host_buffer = bytearray()  # arrived at the computer, not read by the program yet
        self.to_board = Wire()  # written by the host, on its way
        self.to_host = Wire()  # printed by the sketch, on its way
        self.rx_dropped = 0  # bytes lost at the board (rx full, or the UART off)
        self.host_dropped = 0  # bytes lost at the computer (nobody read them in time)
        self.printed = 0  # bytes the sketch has printed so far (a waiting reader watches it)
        self.written = 0  # bytes the host has written so far (a waiting sketch watches it)
        self.host_readers = 0  # host reads blocked right now: they take bytes as they come
        self.listeners: list[Callable[[], None]] = []  # called after each Serial.print
        self._rng = board.clock.rng(f"{board.name}/line-noise")

    @property
    def dropped(self) -> int:
        """Bytes lost at either end (:attr:`rx_dropped` + :attr:`host_dropped`)."""
        return self.rx_dropped + self.host_dropped

    @property
    def mismatch(self) -> bool:
        """True when both ends run at different baud rates."""
        return (self.host_baud is not None and self.board_baud is not None
                and self.host_baud != self.board_baud)

    def garble(self, data: bytes) -> bytes:
        """What ``data`` looks like at the wrong baud rate: deterministic garbage."""
        return self._rng.randbytes(len(data))

    # -- the sketch's end -------------------------------------------------------------

    def begin(self, baud: int) -> None:
        """``Serial.begin()``: the UART starts receiving (what came before is lost)."""
        self.settle_board()
        self.board_baud = int(baud)

    def end(self) -> None:
        """``Serial.end()``: the UART stops."""
        self.settle_board()
        self.board_baud = None

    def settle_board(self, limit: int | None = RX_SIZE) -> bytearray:
        """Move the bytes that have reached the board by now into ``rx``; return ``rx``.

        Bytes beyond ``limit`` in ``rx`` are lost; ``limit=None`` is for a sketch that is
        taking bytes out as they arrive (``Serial.readStringUntil``).
        """
        wire = self.to_board
        if wire.size:
            data = wire.take_arrived(self.clock.now_us)
            count = len(data)
            if count:
                if self.board_baud is None:
                    self.rx_dropped += count  # booting, or no Serial.begin(): nobody listens
                else:
                    space = count if limit is None else max(0, limit - len(self.rx))
                    self.rx_dropped += max(0, count - space)
                    self.rx += data[:space]
        return self.rx

    def board_write(self, data: bytes) -> None:
        """``Serial.print``: send bytes to the host (waiting while the TX buffer is full)."""
        baud = self.board_baud
        if baud is None or not data:
            return
        clock = self.clock
        now = clock.now_us
        wire = self.to_host
        if self.host_baud is not None and self.host_baud != baud:  # self.mismatch, spelt out
            data = self.garble(data)
        wire.push(data, now, baud)
        self.printed += len(data)
        for listener in self.listeners:
            listener()
        if not clock.virtual:
            clock.notify()
        if wire.size > self.TX_SIZE:
            # Wait until only TX_SIZE bytes are left to send, that is until the byte before
            # them has arrived (bytes arrive in order): the same as wire.pending(now) >
            # TX_SIZE, without counting what is on the wire.
            due = wire.due_us(wire.size - self.TX_SIZE - 1)
            if due > now:
                self.board.delay_until(due)

    def tx_room(self) -> int:
        """``Serial.availableForWrite()``: free bytes in the transmit buffer."""
        return max(0, self.TX_SIZE - self.to_host.pending(self.clock.now_us))

    def flush_us(self) -> int:
        """Microseconds until the last byte has left (``Serial.flush()`` waits that long)."""
        end = self.to_host.end_us()
        return 0 if end is None else max(0, end - self.clock.now_us)

    def board_reset(self) -> None:
        """The board resets: its UART stops, ``rx`` empties, unsent bytes are lost."""
        self.settle_board()
        self.settle_host()
        self.board_baud = None
        self.rx.clear()
        self.to_host.clear()

    def unplug(self) -> None:
        """The cable is pulled: the host's port dies and everything in flight is lost."""
        self.session += 1
        self.host = None
        self.host_baud = None
        self.host_buffer.clear()
        self.to_board.clear()
        self.to_host.clear()

    # -- the host's end ---------------------------------------------------------------

    def open(self, host: object, baud: int | None) -> int:
        """Attach a host end; returns the session it must present. Raises if busy/unplugged."""
        with self.clock.hold():
            if not self.board.plugged:
                raise DeviceUnpluggedError(f"{self.board.name}: no such device (unplugged)")
            if self.host is not None and self.host is not host:
                raise PortBusyError(f"{self.board.name}: the port is already open")
            self.settle_host()  # what arrived while nobody had the port open is gone
            self.host = host
            self.host_baud = baud
            self.host_buffer.clear()
            return self.session

    def close(self, host: object) -> None:
        """Detach the host end ``host`` (bytes it already wrote still go out)."""
        with self.clock.hold():
            if self.host is host:
                self.host = None
                self.host_baud = None
                self.host_buffer.clear()

    def check(self, session: int) -> None:
        """Raise :class:`DeviceUnpluggedError` unless ``session`` is still alive."""
        if session != self.session or not self.board.plugged:
            raise DeviceUnpluggedError(
                f"{self.board.name}: device disconnected (the board was unplugged)")

    def set_host_baud(self, baud: int | None) -> None:
        """The host changed its baud rate (for what it writes from now on)."""
        with self.clock.hold():
            self.host_baud = baud

    def _wire_baud(self) -> int:
        return self.host_baud or self.board_baud or 9600

    def host_write(self, data: bytes) -> int:
        """Hand bytes to the computer's output buffer; returns how many fit (maybe 0)."""
        with self.clock.hold():
            data = bytes(data[:self.host_room()])
            if data:
                if self.mismatch:
                    data = self.garble(data)
                self.to_board.push(data, self.clock.now_us, self._wire_baud())
                self.written += len(data)
                if not self.clock.virtual:
                    self.clock.notify()
            return len(data)

    def host_room(self) -> int:
        """How many more bytes the computer's output buffer accepts now."""
        return self.HOST_TX_SIZE - self.out_waiting()

    def out_waiting(self) -> int:
        """Bytes written by the host that have not reached the board yet.

        (The host only counts: bytes that have arrived wait on the wire until the sketch
        looks, so that a sketch running late still finds them in order.)
        """
        with self.clock.hold():
            return self.to_board.pending(self.clock.now_us)

    def room_due_us(self, need: int) -> int | None:
        """When the output buffer has room for ``need`` more bytes (None: has it now)."""
        wire = self.to_board
        now = self.clock.now_us
        short = need - (self.HOST_TX_SIZE - wire.pending(now))
        if short <= 0:
            return None
        return wire.due_us(min(wire.arrived(now) + short, len(wire)) - 1)

    def drained_due_us(self) -> int | None:
        """When the last byte the host wrote reaches the board (None: all there)."""
        return self.to_board.end_us() if self.out_waiting() else None

    def discard_output(self) -> None:
        """Throw away what the host wrote and has not been sent yet."""
        with self.clock.hold():
            wire = self.to_board
            wire.truncate(wire.arrived(self.clock.now_us))

    def settle_host(self) -> bytearray:
        """Move the bytes that have reached the computer by now into ``host_buffer``."""
        wire = self.to_host
        if wire.size:
            data = wire.take_arrived(self.clock.now_us)
            count = len(data)
            if count:
                if self.host is not None:  # else nobody has the port open: they are lost
                    space = count
                    if not self.host_readers:
                        space = max(0, self.HOST_RX_SIZE - len(self.host_buffer))
                    if space >= count:  # the usual case: all of it fits (no copy to slice)
                        self.host_buffer += data
                    else:
                        self.host_dropped += count - space
                        self.host_buffer += data[:space]
        return self.host_buffer

    def host_due_us(self, count: int) -> int | None:
        """When ``host_buffer`` will hold ``count`` bytes, if they are on their way."""
        index = count - len(self.host_buffer) - 1
        if index < 0:
            return self.clock.now_us
        return self.to_host.due_us(index) if index < len(self.to_host) else None

    def host_due_until(self, expected: bytes) -> int | None:
        """When ``expected`` will have arrived at the computer, if it is on its way."""
        if not self.to_host.size:  # nothing on its way
            return None
        if len(expected) == 1:
            index = self.to_host.find(expected)
            return None if index < 0 else self.to_host.due_us(index)
        tail = bytes(self.host_buffer[1 - len(expected):])  # a match may start in here
        index = (tail + self.to_host.find_all()).find(expected)
        if index < 0:
            return None
        return self.to_host.due_us(index + len(expected) - 1 - len(tail))

    def take_line(self, expected: bytes | None, size: int | None) -> bytes | None:
        """The host's ``read_until()``: the bytes up to and including ``expected`` (at most
        ``size`` of them), taken out, if they have arrived; else None. ``expected=None``:
        ``size`` bytes (``read()``)."""
        buffer = self.settle_host() if self.to_host.size else self.host_buffer
        if expected is not None:
            index = buffer.find(expected)
            if index >= 0:
                end = index + len(expected)
                return self.take(end if size is None or end < size else size)
        if size is not None and len(buffer) >= size:
            return self.take(size)
        return None

    def line_due_us(self, expected: bytes | None, size: int | None) -> int | None:
        """When :meth:`take_line` will succeed, if the bytes it needs are on their way."""
        if expected is None:
            return self.host_due_us(size)  # type: ignore[arg-type]
        if size is None:  # the usual readline(): only the line ending counts
            return self.host_due_until(expected) if self.to_host.size else None
        return earliest(self.host_due_until(expected), self.host_due_us(size))

    def take(self, size: int | None) -> bytes:
        """Remove and return up to ``size`` bytes the host has not read yet (None: all)."""
        buffer = self.host_buffer
        if size is None or size >= len(buffer):  # the usual case: all (one copy, not two)
            data = bytes(buffer)
            buffer.clear()
            return data
        data = bytes(buffer[:size])
        del buffer[:size]
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
    :param boot_ms: how long the bootloader waits after a reset before ``setup()`` (a real
        Uno: about half a second). Bytes the host sends before the sketch's
        ``Serial.begin()`` are lost, so a program that writes right after opening the port
        needs ``boot_ms=0`` or has to wait (for the banner, say).
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
        if int(boot_ms) < 0:
            raise ConfigError(f"boot_ms must be 0 or more, not {boot_ms}")
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

    def view(self, **options: Any) -> Any:
        """A live picture of this board, its parts and the room (:mod:`simulators.view`)."""
        from .view import view

        return view(self, **options)

    # -- power and reset ----------------------------------------------------------------

    def reset(self) -> None:
        """Press reset (or pulse DTR): every pin back to input, the sketch starts over."""
        with self.clock.hold():
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
            self.serial.board_reset()
            if self.plugged:
                self._loop_event = self.clock.call_at(
                    self.clock.now_us + self.boot_us, self._boot, self.generation)

    def unplug(self) -> None:
        """Pull the USB cable: the board loses power and the host's port dies."""
        with self.clock.hold():
            self.plugged = False
            self.serial.unplug()
            self.reset()

    def plug(self) -> None:
        """Plug the cable back in: the board powers up and boots (the host must reopen)."""
        with self.clock.hold():
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
        """One event of the sketch: run ``step(sketch)`` (its setup, or one ``loop()``) as
        this board, then schedule the next ``loop()`` ``gap_us`` after this one started
        (at once if it took longer)."""
        if generation != self.generation:
            return
        clock = self.clock
        started = clock.now_us
        running = _running.set(self)
        try:
            step(self.sketch)
        except _BoardReset:
            return
        except Exception as exc:
            self.error = exc
            self._loop_event = None
            raise SketchError(f"{self.name}: the sketch raised {exc!r}; board halted") from exc
        finally:
            _running.reset(running)
        if generation == self.generation and not clock.closed:
            # clock.call_at(), less the lock: an event runs with the clock's lock held
            if step is _call_loop:  # this event was the loop() event: it runs again
                clock._reschedule(self._loop_event, started + gap_us)
            else:  # setup() is done: the first loop()
                self._loop_event = clock._schedule(started + gap_us, self._run,
                                                   (generation, _call_loop, self.MIN_LOOP_US))

    def _boot(self, generation: int) -> None:
        self.started_us = self.clock.now_us
        running = _running.set(self)  # sketch modules may use the board at import time
        try:
            self.sketch = self._load_sketch()
        finally:
            _running.reset(running)
        setup = getattr(self.sketch, "setup", None)
        self._run(generation, lambda s: setup() if setup else None, 0)

    def millis(self) -> int:
        """Milliseconds since the sketch started."""
        return (self.clock.now_us - self.started_us) // 1000

    def micros(self) -> int:
        """Microseconds since the sketch started."""
        return self.clock.now_us - self.started_us

    def delay_us(self, us: int) -> None:
        """Let ``us`` microseconds pass inside the sketch (everything else keeps running)."""
        self.delay_until(self.clock.now_us + int(us))

    def delay_until(self, t_us: int) -> None:
        """Inside the sketch: let simulated time pass until ``t_us`` (everything else keeps
        running)."""
        clock = self.clock
        if clock.skip_to(t_us):  # the usual case: nothing else happens meanwhile
            return
        generation = self.generation
        clock.run_until(t_us)
        if generation != self.generation or clock.closed:
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
        if part is not None:
            level = part.level()
            if part.role == "analog":
                level = 1 if part.analog() >= 512 else 0
            if level is not None:
                return level
        if self.modes[pin] == INPUT_PULLUP or (part is not None and part.role == "sensor"):
            return 1
        return self._rng.getrandbits(1)  # a floating pin reads whatever it picks up

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
