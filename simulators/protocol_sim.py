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

``sketch``  built-in sketch name or path to a ``.py`` sketch (default ``sensor_reporter``)
``seed``    the world's seed (default 0)
``clock``   ``virtual`` or ``realtime`` (default ``realtime``)
``speed``   realtime speed factor (default 1)
``faults``  a fault for every sensor, e.g. ``noise:0.5,dropout:0.1``
anything else (``interval``, ``poll``, ...) goes to the sketch's ``PARAMS``.

Timeouts are in simulated seconds. In virtual mode time moves only while the reader
waits: ``read``/``readline`` with a timeout let the board run up to that long.
``in_waiting`` never moves time.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from serial.serialutil import PortNotOpenError, SerialBase, SerialException, to_bytes

from .clock import seconds_to_us
from .errors import ConfigError
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
        return world.add_uno(sketch, name=name, params=options, wiring=wiring)
    except Exception:
        world.close()
        raise


class Serial(SerialBase):
    """A pyserial port whose other end is a simulated board.

    Extra attributes: :attr:`board` (the :class:`~simulators.uno.Uno`), :attr:`world`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.board: Any = None
        self.world: World | None = None
        self._owns_world = False
        self._session = -1
        self._cancel = False
        self._dtr_was = False
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
        self._session = board.serial.open(self, self._baudrate)
        self.is_open = True
        self._cancel = False
        self._dtr_was = self._dtr_state
        if self._dtr_state:
            board.reset()  # the auto-reset circuit: DTR pulses the Uno's RESET line

    def close(self) -> None:
        """Close the port (a fresh ``sim://uno`` world is shut down with it)."""
        if self.is_open:
            self.is_open = False
            self.board.serial.close(self)
            if self._owns_world:
                self.world.close()

    def _reconfigure_port(self) -> None:
        if self.is_open:
            with self.board.clock.lock:
                self.board.serial.host_baud = self._baudrate

    def from_url(self, url: str) -> str:
        """Check a ``sim://`` URL (pyserial's hook)."""
        parse_url(url)
        return url

    # -- helpers ------------------------------------------------------------------------

    def _link(self) -> Any:
        if not self.is_open:
            raise PortNotOpenError()
        link = self.board.serial
        link.check(self._session)
        return link

    def _wait(self, link: Any, ready: Any) -> None:
        """Let simulated time pass until ``ready()`` or the timeout."""
        clock = link.clock
        if self._timeout == 0:
            return
        deadline = None if self._timeout is None else clock.now_us + seconds_to_us(self._timeout)
        session = self._session

        def stop() -> bool:
            return ready() or self._cancel or link.session != session

        clock.run_until(deadline, stop)
        self._cancel = False
        link.check(session)

    # -- reading ------------------------------------------------------------------------

    @property
    def in_waiting(self) -> int:
        """Bytes received and not read yet (does not let time pass)."""
        link = self._link()
        return len(link.host_buffer)

    def read(self, size: int = 1) -> bytes:
        """Read ``size`` bytes, waiting at most ``timeout`` (simulated) seconds."""
        link = self._link()
        buf = link.host_buffer
        if len(buf) < size:
            self._wait(link, lambda: len(buf) >= size)
        with link.clock.lock:
            return link.take(size)

    def read_until(self, expected: bytes = b"\n", size: int | None = None) -> bytes:
        """Read up to and including ``expected``, ``size`` bytes, or until the timeout."""
        link = self._link()
        buf = link.host_buffer
        expected = bytes(expected)

        def ready() -> bool:
            return expected in buf or (size is not None and len(buf) >= size)

        if not ready():
            self._wait(link, ready)
        with link.clock.lock:
            index = buf.find(expected)
            end = len(buf) if index < 0 else index + len(expected)
            if size is not None:
                end = min(end, size)
            return link.take(end)

    def readline(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        """Read one line, ending in ``\\n`` (or what arrived before the timeout)."""
        return self.read_until(b"\n", None if size is None or size < 0 else size)

    def cancel_read(self) -> None:
        """Make a blocked read return early."""
        self._cancel = True
        if self.board is not None:
            self.board.clock.notify()

    # -- writing ------------------------------------------------------------------------

    def write(self, data: bytes) -> int:
        """Send bytes to the board's 64-byte receive buffer."""
        link = self._link()
        return link.host_write(to_bytes(data))

    def flush(self) -> None:
        """Nothing waits in an output buffer: writes arrive at once."""
        self._link()

    @property
    def out_waiting(self) -> int:
        """Always 0: writes arrive at once."""
        self._link()
        return 0

    def reset_input_buffer(self) -> None:
        """Throw away what was received and not read."""
        link = self._link()
        with link.clock.lock:
            link.host_buffer.clear()

    def reset_output_buffer(self) -> None:
        """Nothing to throw away: writes arrive at once."""
        self._link()

    def cancel_write(self) -> None:
        """Writes never block; nothing to cancel."""

    # -- modem lines ----------------------------------------------------------------------

    def _update_dtr_state(self) -> None:
        # DTR going active pulses RESET through the Uno's 100 nF auto-reset capacitor
        if self.is_open and self._dtr_state and not self._dtr_was:
            self.board.reset()
        self._dtr_was = self._dtr_state

    def _update_rts_state(self) -> None:
        pass

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

