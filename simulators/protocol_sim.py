"""pyserial URL handler for ``sim://``: a simulated board behind ``serial_for_url``.

After ``import simulators``, pyserial finds this module through
``serial.protocol_handler_packages``::

    import serial, simulators
    port = serial.serial_for_url("sim://uno?sketch=sensor_reporter&seed=7&clock=virtual",
                                 baudrate=9600, timeout=2)
    print(port.readline())

URL form: ``sim://<board>[?option=value&...]``. ``<board>`` is the name of a board
registered with :func:`simulators.register_board` (then no options are allowed), or
``uno`` for a fresh Uno in a fresh world built from the options:

``sketch``   built-in sketch name or path to a ``.py`` sketch (default ``sensor_reporter``)
``seed``     the world's seed (default 0)
``clock``    ``virtual`` or ``realtime`` (default ``realtime``)
``speed``    realtime speed factor (default 1)
``faults``   a fault for every sensor, e.g. ``noise:0.5,dropout:0.1``
``boot_ms``  how long the bootloader runs after a reset (default 500; bytes sent
             before the sketch's ``Serial.begin()`` are lost, as on a real Uno)
anything else (``interval``, ``baud``, ``banner=0``, ...) goes to the sketch's ``PARAMS``.

Bytes travel at the baud rate both ways (see :class:`~simulators.uno.SerialLink`).
``write()`` returns once the computer's 4 KB output buffer has taken the bytes, waits
while it is full (``write_timeout`` raises :class:`~serial.SerialTimeoutException`, as
pyserial does), and ``flush()`` waits until they have reached the board. ``dtr`` going
active resets the board, like the Uno's auto-reset circuit.

Timeouts are in simulated seconds. In virtual mode time moves only while someone waits
(a ``read``/``readline``, a ``write`` that has to wait, ``flush``); ``in_waiting`` and
``out_waiting`` never move time.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from typing import Any

from serial.serialutil import (
    PortNotOpenError,
    SerialBase,
    SerialException,
    SerialTimeoutException,
    to_bytes,
)

from .clock import seconds_to_us
from .errors import ConfigError, PortError
from .world import World, find_board

__all__ = ["Serial", "parse_url"]

_WORLD_OPTIONS = ("seed", "clock", "speed")


def parse_url(url: str) -> tuple[str, dict[str, str]]:
    """Split ``sim://name?a=1`` into ``("name", {"a": "1"})``; raise SerialException if bad."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "sim":
        raise SerialException(f'expected a URL like "sim://uno?sketch=blink", not {url!r}')
    name = parts.netloc or parts.path.lstrip("/")
    options: dict[str, str] = {}
    for key, values in urllib.parse.parse_qs(parts.query, keep_blank_values=True).items():
        options[key] = values[-1]
    if not name:
        raise SerialException(f"{url!r}: name a board, e.g. sim://uno")
    return name, options


def _parse_faults(text: str) -> dict[str, Any]:
    faults: dict[str, Any] = {}
    for item in filter(None, text.split(",")):
        key, _, value = item.partition(":")
        if key == "stuck":
            faults[key] = True if value in ("", "true") else float(value)
        else:
            faults[key] = float(value)
    return faults


def build_board(name: str, options: dict[str, str]) -> Any:
    """A fresh world with one Uno, from URL options (see the module docstring)."""
    from .wiring import UNO_WIRING

    if name != "uno":
        raise ConfigError(f"no board registered as {name!r} (a fresh board is sim://uno)")
    options = dict(options)
    try:
        seed = int(options.pop("seed", "0"))
        speed = float(options.pop("speed", "1"))
        boot_ms = int(options.pop("boot_ms", "500"))
    except ValueError as exc:
        raise ConfigError(f"bad number in URL: {exc}") from None
    clock = options.pop("clock", "realtime")
    sketch = options.pop("sketch", "sensor_reporter")
    wiring = None
    if "faults" in options:
        faults = _parse_faults(options.pop("faults"))
        wiring = {pin: dict(spec) for pin, spec in UNO_WIRING.items()}
        for spec in wiring.values():
            if spec["part"] in ("dht22", "photoresistor", "potentiometer"):
                spec["faults"] = faults
    world = World(seed=seed, clock=clock, speed=speed)
    try:
        return world.add_uno(sketch, name=name, params=options, wiring=wiring, boot_ms=boot_ms)
    except Exception:
        world.close()
        raise


class Serial(SerialBase):
    """A pyserial port whose other end is a simulated board.

    Extra attributes: :attr:`board` (the :class:`~simulators.uno.Uno`), :attr:`world`.
    """

    #: pyserial-like output: a blocked write() wakes when this much room is free (the
    #: tty layer's WAKEUP_CHARS), not for every byte.
    WAKEUP_BYTES = 256

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.board: Any = None
        self.world: World | None = None
        self._owns_world = False
        self._session = -1
        self._cancel_read = False
        self._cancel_write = False
        self._closing = False
        self._dtr_was = False
        self._read_timeout: tuple[Any, int | None] = (object(), None)  # (timeout, in µs)
        super().__init__(*args, **kwargs)

    # -- open / close -------------------------------------------------------------------

    def open(self) -> None:
        """Open the port: attach to the board and, with DTR (the default), reset it."""
        if self.is_open:
            raise SerialException("Port is already open.")
        if self._port is None:
            raise SerialException("Port must be configured before it can be used.")
        name, options = parse_url(self.portstr)
        board = find_board(name)
        try:
            if board is not None:
                if options:
                    raise ConfigError(f"sim://{name} is a registered board: no options allowed")
                self._owns_world = False
            else:
                board = build_board(name, options)
                self._owns_world = True
        except ConfigError as exc:
            raise SerialException(f"could not open port {self.portstr!r}: {exc}") from exc
        self.board = board
        self.world = board.world
        with board.clock.hold():
            self._session = board.serial.open(self, self._baudrate)
            self.is_open = True
            self._closing = False
            self.__dict__.pop("__IOBase_closed", None)  # io's `closed` flag, from a close()
            self._cancel_read = self._cancel_write = False
            self._dtr_was = self._dtr_state
            if self._dtr_state:
                board.reset()  # the auto-reset circuit: DTR pulses the Uno's RESET line

    def close(self) -> None:
        """Close the port (a fresh ``sim://uno`` world is shut down with it).

        Bytes already written still reach the board, as from a real USB adapter.
        """
        if self.is_open:
            clock = self.board.clock
            with clock.hold():
                self.is_open = False
                self.board.serial.close(self)
                clock.notify()  # a read or write blocked in another thread gives up
            if self._owns_world:
                self.world.close()
        self._closing = True
        super().close()  # io's close: marks the port `closed` (its flush() is a no-op now)

    def _reconfigure_port(self) -> None:
        if self.is_open:
            self.board.serial.set_host_baud(self._baudrate)

    def from_url(self, url: str) -> str:
        """Check a ``sim://`` URL (pyserial's hook)."""
        parse_url(url)
        return url

    # -- helpers ------------------------------------------------------------------------

    def _link(self) -> Any:
        if not self.is_open:
            raise PortNotOpenError()
        link = self.board.serial
        if self._session != link.session or not self.board.plugged:
            link.check(self._session)  # raises: the board was unplugged
        return link

    def _wait_to_write(self, attempt: Callable[[], Any], due: Callable[[], int | None],
                       timeout: float | None) -> str:
        """Let simulated time pass until ``attempt()`` is true (the bytes are handed over,
        or have reached the board), the timeout passes, or :meth:`cancel_write` cancels the
        wait. Returns ``"ready"``, ``"timeout"`` or ``"cancelled"``.

        ``attempt()`` runs with the world's lock held. ``due()`` says when it will be true
        (when the computer's buffer has room, when the last byte arrives), if it can say:
        the wait wakes right then. A read waits the same way, in :meth:`_read`.
        """
        link = self.board.serial
        clock = link.clock
        session = self._session
        wait_us = self._timeout_us(timeout)
        deadline = None if wait_us is None else clock.now_us + wait_us

        def cancelled() -> bool:
            return self._cancel_write or not self.is_open or link.session != session

        # The lock is held for the whole wait. That shuts no one out: while time passes,
        # the clock lets go of it completely (between two events for threads knocking, as
        # a passenger, and in realtime mode), so other threads get in as usual.
        with clock.hold():
            while True:
                if attempt():
                    return "ready"
                if cancelled():
                    self._end_cancel(reading=False)
                    return "cancelled"
                if clock.closed:
                    raise PortError(f"{self.portstr}: the simulated world was closed "
                                    "(world.close()); open a new port")
                if deadline is not None and clock.now_us >= deadline:
                    return "timeout"
                wake = due()
                if wake is None:
                    if clock.virtual and deadline is None and clock.next_event_us() is None:
                        return "timeout"  # nothing is scheduled: nothing can ever change
                    wake = deadline
                elif deadline is not None and deadline < wake:
                    wake = deadline
                clock.run_until(wake, cancelled)

    @staticmethod
    def _timeout_us(timeout: float | None) -> int | None:
        """A pyserial timeout in simulated µs (None: no timeout). A positive timeout lets at
        least 1 µs pass."""
        if timeout is None:
            return None
        return (seconds_to_us(timeout) or 1) if timeout > 0 else 0

    def _end_cancel(self, reading: bool) -> None:
        """A wait ended early: say why if the port died; else consume the cancel."""
        if not self.is_open:
            raise PortNotOpenError()
        self.board.serial.check(self._session)  # unplugged while waiting
        if reading:
            self._cancel_read = False
        else:
            self._cancel_write = False

    # -- reading ------------------------------------------------------------------------

    @property
    def in_waiting(self) -> int:
        """Bytes received and not read yet (does not let time pass)."""
        link = self._link()
        with link.clock.hold():
            return len(link.settle_host())

    def read(self, size: int = 1) -> bytes:
        """Read ``size`` bytes, waiting at most ``timeout`` (simulated) seconds."""
        self._link()  # a closed or unplugged port raises first, whatever the size
        if size <= 0:
            return b""
        return self._read(None, size)

    def read_until(self, expected: bytes = b"\n", size: int | None = None) -> bytes:
        """Read up to and including ``expected``, ``size`` bytes, or until the timeout."""
        self._link()  # a closed or unplugged port raises first, whatever ``expected`` is
        return self._read(bytes(expected), size)

    def readline(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        """Read one line, ending in ``\\n`` (or what arrived before the timeout)."""
        return self._read(b"\n", None if size is None or size < 0 else size)

    def _read(self, expected: bytes | None, size: int | None) -> bytes:
        """What :meth:`read`, :meth:`read_until` and :meth:`readline` do: let simulated
        time pass until the bytes up to and including ``expected`` (at most ``size`` of
        them; ``expected=None``: ``size`` bytes) have come, and take them; after the
        timeout or a :meth:`cancel_read`, take what came (at most ``size`` bytes).

        While it waits the read counts as a blocked reader (the computer hands it every
        byte), and it wakes when the bytes it needs arrive, if they are on the wire
        already, or else whenever the sketch prints something (a print usually ends a
        read's wait).
        """
        link = self._link()
        clock = link.clock
        session = self._session
        if self._timeout is not self._read_timeout[0]:  # worked out once per setting
            self._read_timeout = (self._timeout, self._timeout_us(self._timeout))
        wait_us = self._read_timeout[1]
        deadline = None if wait_us is None else clock.now_us + wait_us
        seen = link.printed

        def stop() -> bool:
            """While time passes: a print, or a cancel, ends this stretch of the wait."""
            return (link.printed != seen or self._cancel_read or not self.is_open
                    or link.session != session)

        # The lock is held for the whole wait, as in _wait_to_write() (`with clock.hold()`,
        # written out: a program may read thousands of lines a second).
        lock = clock.lock
        if not lock.acquire(False):
            clock._knock()
        link.host_readers += 1
        try:
            while True:
                if link.host_buffer or link.to_host.size:  # else there is nothing to take
                    data = link.take_line(expected, size)
                    if data is not None:
                        return data
                if self._cancel_read or not self.is_open or link.session != session:
                    self._end_cancel(reading=True)
                    return link.take(size)
                if clock.closed:
                    raise PortError(f"{self.portstr}: the simulated world was closed "
                                    "(world.close()); open a new port")
                if deadline is not None and clock.now_us >= deadline:
                    return link.take(size)
                # (with nothing on its way, nothing can be due)
                wake = link.line_due_us(expected, size) if link.to_host.size else None
                if wake is None:
                    if clock.virtual and deadline is None and clock.next_event_us() is None:
                        return link.take(size)  # nothing is scheduled: nothing can arrive
                    wake = deadline
                elif deadline is not None and deadline < wake:
                    wake = deadline
                seen = link.printed
                clock.run_until(wake, stop)
        finally:
            link.host_readers -= 1
            if clock._pausing:  # the end of `with clock.hold():`
                clock._cond.notify_all()
            lock.release()

    def cancel_read(self) -> None:
        """Make a blocked read return early (with what it has)."""
        self._cancel_read = True
        if self.board is not None:
            self.board.clock.notify()

    # -- writing ------------------------------------------------------------------------

    def write(self, data: bytes) -> int:
        """Send bytes to the board; returns how many the computer accepted.

        Like pyserial on a real port: returns once all of them are in the 4 KB output
        buffer (it waits while it is full); with ``write_timeout=0`` it takes what fits
        and returns at once; when ``write_timeout`` passes first it raises
        :class:`~serial.SerialTimeoutException`; :meth:`cancel_write` makes it return early.
        """
        link = self._link()
        data = memoryview(to_bytes(data))
        sent = 0

        def push() -> bool:
            nonlocal sent
            link.check(self._session)
            sent += link.host_write(data[sent:])
            return sent >= len(data)

        if self._write_timeout == 0:
            with link.clock.hold():
                push()
            return sent
        outcome = self._wait_to_write(push, lambda: link.room_due_us(
            min(len(data) - sent, self.WAKEUP_BYTES)), self._write_timeout)
        if outcome == "timeout":
            raise SerialTimeoutException(
                f"Write timeout: only {sent} of {len(data)} bytes went out within "
                f"write_timeout={self._write_timeout} s (the board reads them at "
                f"{self._baudrate} baud; write less at a time or raise write_timeout)")
        return sent

    def flush(self) -> None:
        """Wait until every byte written has reached the board (like ``tcdrain``)."""
        if not self.is_open and self._closing:
            return  # io.RawIOBase.close() flushes once more: nothing to do
        link = self._link()
        self._wait_to_write(lambda: link.out_waiting() == 0, link.drained_due_us, None)

    @property
    def out_waiting(self) -> int:
        """Bytes written and not yet arrived at the board (does not let time pass)."""
        return self._link().out_waiting()

    def reset_input_buffer(self) -> None:
        """Throw away what was received and not read."""
        link = self._link()
        with link.clock.hold():
            link.settle_host().clear()

    def reset_output_buffer(self) -> None:
        """Throw away what was written and has not gone out yet."""
        self._link().discard_output()

    def cancel_write(self) -> None:
        """Make a blocked write return early (with the count of bytes it got out)."""
        self._cancel_write = True
        if self.board is not None:
            self.board.clock.notify()

    # -- modem lines ----------------------------------------------------------------------

    def _update_dtr_state(self) -> None:
        # DTR going active pulses RESET through the Uno's 100 nF auto-reset capacitor
        if self.is_open and self._dtr_state and not self._dtr_was:
            self.board.reset()
        self._dtr_was = self._dtr_state

    def _update_rts_state(self) -> None:
        pass  # the Uno's USB chip does not wire RTS to anything

    def _update_break_state(self) -> None:
        pass

    @property
    def cts(self) -> bool:
        self._link()
        return True

    @property
    def dsr(self) -> bool:
        self._link()
        return True

    @property
    def ri(self) -> bool:
        self._link()
        return False

    @property
    def cd(self) -> bool:
        self._link()
        return True
