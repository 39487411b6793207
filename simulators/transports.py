"""Serve a board's serial port to programs outside Python: a POSIX pty or a TCP socket.

:class:`PtyPort` makes a pseudo-terminal and a stable symlink to it (``./ttySIM0``), so an
unmodified program that opens a port path works: ``python -m serial.tools.miniterm
./ttySIM0 9600``, the Arduino IDE's serial monitor, ``screen``. Opening the pty resets the
board (like DTR on a real Uno, every time, however soon after a close), the baud rate the
program sets is compared with the sketch's, and closing it detaches. :class:`TcpPort` does
the same over TCP, reachable as pyserial's ``socket://host:port`` (a new connection is an
open, so it resets the board; no baud rate on a socket: it always matches).

Bytes move at the baud rate (see :class:`~simulators.uno.SerialLink`): the port takes from
the program only what fits in the computer's 4 KB output buffer, so a program that writes
faster than the board reads blocks in ``write()``, as with a real adapter.

Both run a thread; use them with a realtime clock. ``board.unplug()`` hangs up the pty
(the program's next read fails, as with a pulled cable) and removes the symlink.

**Modem lines on the pty.** Linux (and macOS) ptys have no modem lines: the kernel
answers ``TIOCMGET``/``TIOCMSET``/``TIOCMBIS``/``TIOCMBIC`` on a pty with ``ENOTTY``
("Inappropriate ioctl for device"), and there is no way for the other end of a pty to
change that. So for a pyserial program on the pty, ``port.dtr = ...``, ``port.rts = ...``,
``setDTR()``, ``cts``, ``dsr``, ``ri`` and ``cd`` raise ``OSError``; everything else works
(open, close, ``baudrate``, ``read``/``write``/``readline``, ``in_waiting``,
``out_waiting``, ``flush``, ``reset_input_buffer``, ``reset_output_buffer``,
``send_break``). pyserial itself ignores that error when it sets DTR on ``open()``. To
reset the board from a program on the pty, close the port and open it again; for DTR
control use ``sim://`` (``port.dtr = False; port.dtr = True`` resets the board).

How an open is seen: on Linux, inotify reports every open and close of the pty's device
file, in order, so each open after everyone closed it resets the board. Elsewhere the
port polls the pty (a read fails with ``EIO`` while nobody has it open), and a program
that closes and reopens within :attr:`PtyPort.POLL` seconds may not be seen.

Example::

    world = World(clock="realtime")
    uno = world.add_uno("sensor_reporter")
    with PtyPort(uno, link="./ttySIM0"):
        ...   # another program opens ./ttySIM0
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import select
import socket
import struct
import sys
import termios
import threading
import tty
from pathlib import Path
from typing import Any

from .errors import ConfigError, PortError

__all__ = ["PtyPort", "TcpPort", "BAUD_BY_FLAG", "OpenWatch"]

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
        self.clock = board.clock
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
        """What has reached the computer and waits to be handed to the program."""
        with self.clock.hold():
            return bytes(self.link.settle_host())

    def _sent(self, count: int) -> None:
        with self.clock.hold():
            del self.link.host_buffer[:count]

    def _room(self) -> int:
        """How many bytes the program may hand us now (the computer's output buffer)."""
        return self.link.host_room() if self.session is not None else 0

    def _poll_seconds(self) -> float:
        """How long to sleep: at most :attr:`POLL`, less when a reply finishes sooner."""
        with self.clock.hold():
            end = self.link.to_host.end_us()
            if end is None:
                return self.POLL
            ahead_us = end - self.clock.now_us
        return max(0.0, min(self.POLL, ahead_us / 1_000_000 / self.clock.speed))

    def _run(self) -> None:
        raise NotImplementedError

    def _cleanup(self) -> None:
        raise NotImplementedError


class OpenWatch:
    """Counts opens and closes of a device file with Linux's inotify (through ctypes).

    ``events()`` returns ``"open"``/``"close"`` in the order they happened, however close
    together. :meth:`create` returns None where inotify is not available.
    """

    IN_CLOSE_WRITE, IN_CLOSE_NOWRITE, IN_OPEN = 0x08, 0x10, 0x20
    _EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len (+ name)

    def __init__(self, fd: int) -> None:
        self.fd = fd

    @classmethod
    def create(cls, path: str) -> OpenWatch | None:
        """Watch ``path``; None if this system has no inotify."""
        if not sys.platform.startswith("linux"):
            return None
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        except (OSError, AttributeError):
            return None
        if fd < 0:
            return None
        mask = cls.IN_OPEN | cls.IN_CLOSE_WRITE | cls.IN_CLOSE_NOWRITE
        if libc.inotify_add_watch(fd, os.fsencode(path), mask) < 0:
            os.close(fd)
            return None
        return cls(fd)

    def events(self) -> list[str]:
        """The opens and closes since the last call, oldest first."""
        try:
            data = os.read(self.fd, 4096)
        except BlockingIOError:
            return []
        found = []
        offset = 0
        while offset < len(data):
            _, mask, _, name_len = self._EVENT.unpack_from(data, offset)
            offset += self._EVENT.size + name_len
            if mask & self.IN_OPEN:
                found.append("open")
            if mask & (self.IN_CLOSE_WRITE | self.IN_CLOSE_NOWRITE):
                found.append("close")
        return found

    def close(self) -> None:
        """Stop watching."""
        os.close(self.fd)


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
        self.watch = OpenWatch.create(self.path)  # after our own open and close of the slave
        self.link_path = Path(link) if link is not None else None
        if self.link_path is not None:
            if self.link_path.is_symlink():
                self.link_path.unlink()
            elif self.link_path.exists():
                self._close_fds()
                raise ConfigError(f"{self.link_path} exists and is not a symlink")
            self.link_path.symlink_to(self.path)
        self._closed = False
        self._clients = 0  # programs that have the pty open (counted with inotify)
        self._baud: int | None = None

    def _read_baud(self) -> int | None:
        return BAUD_BY_FLAG.get(termios.tcgetattr(self.master)[5])

    def _run(self) -> None:
        try:
            while not self._stop.is_set() and not self._unplugged():
                if self.watch is not None:
                    self._follow_opens()
                    if self.session is not None:
                        self._read_program()
                elif not self._poll_open():
                    self._stop.wait(self.POLL)
                    continue
                if self.session is not None:
                    self._follow_baud()
                    self._write_program()
                self._sleep()
        except OSError:
            log.exception("pty server stopped")
        finally:
            if self.session is not None:
                self._detach()
            self._cleanup()

    def _follow_opens(self) -> None:
        """inotify: attach (and reset) when the first program opens, detach at the last close."""
        for event in self.watch.events():  # type: ignore[union-attr]
            if event == "open":
                self._clients += 1
                if self._clients == 1:
                    self._baud = self._read_baud()
                    self._attach(self._baud)
            elif self._clients:
                self._clients -= 1
                if self._clients == 0:
                    self._detach()

    def _poll_open(self) -> bool:
        """Without inotify: a read fails with EIO while nobody has the pty open."""
        room = self._room() if self.session is not None else 1
        try:
            data = os.read(self.master, room) if room else b""
        except BlockingIOError:
            data = b""
        except OSError as exc:
            if exc.errno != errno.EIO:
                raise
            if self.session is not None:  # the last program closed the pty
                self._detach()
            return False
        if self.session is None:  # a program opened the pty
            self._baud = self._read_baud()
            self._attach(self._baud)
        if data:
            self.link.host_write(data)
        return True

    def _read_program(self) -> None:
        """Move what the program wrote to the board, as much as the buffer takes."""
        room = self._room()
        if not room:
            return  # the program's write() blocks in the kernel meanwhile
        try:
            data = os.read(self.master, room)
        except (BlockingIOError, OSError):
            return  # nothing written, or the program just closed (inotify says so next)
        if data:
            self.link.host_write(data)

    def _follow_baud(self) -> None:
        baud = self._read_baud()
        if baud != self._baud:
            self._baud = baud
            self.link.set_host_baud(baud)

    def _write_program(self) -> None:
        pending = self._pending()
        if pending:
            try:
                self._sent(os.write(self.master, pending))
            except (BlockingIOError, OSError):
                pass  # the program does not read: its input queue is full

    def _sleep(self) -> None:
        watched = [self.watch.fd] if self.watch is not None else []
        if self.session is not None and self._room():
            watched.append(self.master)
        select.select(watched, [], [], self._poll_seconds())

    def _close_fds(self) -> None:
        if self.watch is not None:
            self.watch.close()
        os.close(self.master)

    def _cleanup(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.link_path is not None and self.link_path.is_symlink():
            self.link_path.unlink()
        self._close_fds()


class TcpPort(_PortThread):
    """A TCP server for ``board``'s serial port, one client at a time.

    Each new connection is an open: it resets the board. pyserial's ``socket://`` ignores
    modem lines (``dtr``, ``rts`` do nothing; ``cts``, ``dsr`` read True).

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
                room = self._room()
                readable, _, _ = select.select([conn] if room else [], [], [],
                                               self._poll_seconds())
                if readable:
                    try:
                        data = conn.recv(room)
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
