"""Serve a board's serial port to programs outside Python: a POSIX pty or a TCP socket.

:class:`PtyPort` makes a pseudo-terminal and a stable symlink to it (``./ttySIM0``), so an
unmodified program that opens a port path works: ``python -m serial.tools.miniterm
./ttySIM0 9600``, the Arduino IDE's serial monitor, ``screen``. Opening the pty resets the
board (like DTR on a real Uno), the baud rate the program sets is compared with the
sketch's, and closing it detaches. :class:`TcpPort` does the same over TCP, reachable as
pyserial's ``socket://host:port`` (no baud rate on a socket: it always matches).

Both run a thread; use them with a realtime clock. ``board.unplug()`` hangs up the pty
(the program's next read fails, as with a pulled cable) and removes the symlink.

Example::

    world = World(clock="realtime")
    uno = world.add_uno("sensor_reporter")
    with PtyPort(uno, link="./ttySIM0"):
        ...   # another program opens ./ttySIM0
"""

from __future__ import annotations

import errno
import logging
import os
import select
import socket
import termios
import threading
import tty
from pathlib import Path
from typing import Any

from .errors import ConfigError, PortError

__all__ = ["PtyPort", "TcpPort", "BAUD_BY_FLAG"]

log = logging.getLogger(__name__)

#: termios speed flags to baud rates
BAUD_BY_FLAG = {
    getattr(termios, f"B{rate}"): rate
    for rate in (50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200,
                 38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000)
    if hasattr(termios, f"B{rate}")
}


class _PortThread:
    """Shared plumbing: a thread that moves bytes between a board and an outside peer."""

    POLL = 0.02

    def __init__(self, board: Any) -> None:
        self.board = board
        self.link = board.serial
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
        self.session: int | None = None

    def start(self) -> _PortThread:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and clean up."""
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=5)
        self._cleanup()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the server stops (e.g. after an unplug); True if it did."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def __enter__(self) -> _PortThread:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _attach(self, baud: int | None) -> None:
        self.session = self.link.open(self, baud)
        self.board.reset()  # opening the port resets the board, as DTR does on a real Uno

    def _detach(self) -> None:
        self.link.close(self)
        self.session = None

    def _unplugged(self) -> bool:
        return not self.board.plugged or (
            self.session is not None and self.session != self.link.session)

    def _pending(self) -> bytes:
        with self.board.clock.lock:
            return bytes(self.link.host_buffer)

    def _sent(self, count: int) -> None:
        with self.board.clock.lock:
            del self.link.host_buffer[:count]

    def _run(self) -> None:
        raise NotImplementedError

    def _cleanup(self) -> None:
        raise NotImplementedError


class PtyPort(_PortThread):
    """A pseudo-terminal serving ``board``'s serial port, with an optional symlink.

    :param board: the :class:`~simulators.uno.Uno`.
    :param link: a path for a symlink to the pty (replaced if it is a stale symlink).
    """

    def __init__(self, board: Any, *, link: str | os.PathLike[str] | None = None) -> None:
        super().__init__(board)
        self.master, slave = os.openpty()
        self.path = os.ttyname(slave)
        tty.setraw(slave)  # no echo, no newline translation: a serial line is raw
        attrs = termios.tcgetattr(slave)
        attrs[4] = attrs[5] = termios.B9600
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        os.close(slave)
        os.set_blocking(self.master, False)
        self.link_path = Path(link) if link is not None else None
        if self.link_path is not None:
            if self.link_path.is_symlink():
                self.link_path.unlink()
            elif self.link_path.exists():
                os.close(self.master)
                raise ConfigError(f"{self.link_path} exists and is not a symlink")
            self.link_path.symlink_to(self.path)
        self._closed = False

    def _baud(self) -> int | None:
        return BAUD_BY_FLAG.get(termios.tcgetattr(self.master)[5])

    def _run(self) -> None:
        connected = False
        baud = None
        try:
            while not self._stop.is_set():
                if self._unplugged():
                    break  # the device is gone: hang up the pty
                try:
                    data = os.read(self.master, 4096)
                except BlockingIOError:
                    data = b""
                except OSError as exc:
                    if exc.errno != errno.EIO:
                        raise
                    if connected:  # the last program closed the pty
                        connected = False
                        self._detach()
                    self._stop.wait(self.POLL)
                    continue
                if not connected:  # a program opened the pty
                    connected = True
                    baud = self._baud()
                    self._attach(baud)
                new_baud = self._baud()
                if new_baud != baud:
                    baud = new_baud
                    with self.board.clock.lock:
                        self.link.host_baud = baud
                if data:
                    self.link.host_write(data)
                pending = self._pending()
                if pending:
                    try:
                        self._sent(os.write(self.master, pending))
                    except BlockingIOError:
                        pass
                select.select([self.master], [], [], self.POLL)
        except OSError:
            log.exception("pty server stopped")
        finally:
            if connected:
                self._detach()
            self._cleanup()

    def _cleanup(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.link_path is not None and self.link_path.is_symlink():
            self.link_path.unlink()
        os.close(self.master)


class TcpPort(_PortThread):
    """A TCP server for ``board``'s serial port, one client at a time.

    :param host: address to listen on (default loopback).
    :param port: TCP port; 0 picks a free one (see :attr:`address`).
    """

    def __init__(self, board: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(board)
        try:
            self.server = socket.create_server((host, port))
        except OSError as exc:
            raise PortError(f"cannot listen on {host}:{port}: {exc}") from exc
        self.server.settimeout(self.POLL * 5)
        self.address: tuple[str, int] = self.server.getsockname()[:2]
        self._closed = False

    @property
    def url(self) -> str:
        """The pyserial URL of this port."""
        return f"socket://{self.address[0]}:{self.address[1]}"

    def _run(self) -> None:
        try:
            while not self._stop.is_set() and not self._unplugged():
                try:
                    conn, _ = self.server.accept()
                except TimeoutError:
                    continue
                with conn:
                    self._serve(conn)
        except OSError:
            log.exception("tcp server stopped")
        finally:
            self._cleanup()

    def _serve(self, conn: socket.socket) -> None:
        conn.setblocking(False)
        self._attach(None)
        try:
            while not self._stop.is_set() and not self._unplugged():
                readable, _, _ = select.select([conn], [], [], self.POLL)
                if readable:
                    try:
                        data = conn.recv(4096)
                    except ConnectionError:
                        return
                    if not data:
                        return  # the client hung up
                    self.link.host_write(data)
                pending = self._pending()
                if pending:
                    try:
                        self._sent(conn.send(pending))
                    except BlockingIOError:
                        pass
                    except ConnectionError:
                        return
        finally:
            if not self._unplugged():
                self._detach()

    def _cleanup(self) -> None:
        if not self._closed:
            self._closed = True
            self.server.close()
