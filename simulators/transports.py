"""Serve a board's serial port to programs outside Python: a POSIX pty, TCP, or RFC 2217.

:class:`PtyPort` makes a pseudo-terminal and a stable symlink to it (``./ttySIM0``), so an
unmodified program that opens a port path works: ``python -m serial.tools.miniterm
./ttySIM0 9600``, the Arduino IDE's serial monitor, ``screen``. Opening the pty resets the
board (like DTR on a real Uno, every time, however soon after a close), the baud rate the
program sets is compared with the sketch's, and closing it detaches. :class:`TcpPort` does
the same over TCP, reachable as pyserial's ``socket://host:port`` (a new connection is an
open, so it resets the board; no baud rate on a socket: it always matches).
:class:`Rfc2217Port` serves the port over RFC 2217 (Telnet's COM-PORT-OPTION), reachable as
pyserial's ``rfc2217://host:port``: the one way in, besides ``sim://``, where a program's
modem-line calls work (``port.dtr = False; port.dtr = True`` resets the board).

Bytes move at the baud rate (see :class:`~simulators.uno.SerialLink`): the port takes from
the program only what fits in the computer's 4 KB output buffer, so a program that writes
faster than the board reads blocks in ``write()``, as with a real adapter.

Each runs a thread; use them with a realtime clock (:class:`Rfc2217Port` refuses a virtual
one). ``board.unplug()`` hangs up the pty (the program's next read fails, as with a pulled
cable) and removes the symlink; it hangs up a TCP or RFC 2217 client and stops that server.

**Modem lines on the pty.** Linux (and macOS) ptys have no modem lines: the kernel
answers ``TIOCMGET``/``TIOCMSET``/``TIOCMBIS``/``TIOCMBIC`` on a pty with ``ENOTTY``
("Inappropriate ioctl for device"), and there is no way for the other end of a pty to
change that. So for a pyserial program on the pty, ``port.dtr = ...``, ``port.rts = ...``,
``setDTR()``, ``cts``, ``dsr``, ``ri`` and ``cd`` raise ``OSError``; everything else works
(open, close, ``baudrate``, ``read``/``write``/``readline``, ``in_waiting``,
``out_waiting``, ``flush``, ``reset_input_buffer``, ``reset_output_buffer``,
``send_break``). pyserial itself ignores that error when it sets DTR on ``open()``. To
reset the board from a program on the pty, close the port and open it again; for DTR
control use ``sim://`` or :class:`Rfc2217Port` (``port.dtr = False; port.dtr = True``
resets the board).

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

from serial import SerialException, rfc2217

from .errors import ConfigError, PortError
from .protocol_sim import Serial as SimSerial
from .world import register_board, unregister_board

__all__ = ["PtyPort", "TcpPort", "Rfc2217Port", "UNO_MODEM_LINES", "BAUD_BY_FLAG", "OpenWatch"]

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

    def _accept_loop(self, what: str) -> None:
        """For servers on a socket (``self.server``): one client at a time, each served by
        ``self._serve(conn)``, until stopped or unplugged."""
        try:
            while not self._stop.is_set() and not self._unplugged():
                try:
                    conn, _ = self.server.accept()  # type: ignore[attr-defined]
                except TimeoutError:
                    continue
                with conn:
                    self._serve(conn)  # type: ignore[attr-defined]
        except OSError:
            log.exception("%s server stopped", what)
        finally:
            self._cleanup()

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
        self._accept_loop("tcp")

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


#: The input modem lines a program reads on a genuine Arduino Uno R3 plugged into Linux, and
#: so on :class:`Rfc2217Port`. The Uno's USB chip, an ATmega16U2 running Arduino-usbserial,
#: only listens to DTR (it pulses RESET) and never sends the USB "serial state" message
#: that would carry DSR, RI and CD, so Linux's cdc-acm driver reports them inactive; it
#: reports CTS active for every such device. (A clone with a CH340 chip reads all four
#: inactive: its modem inputs are not wired.)
UNO_MODEM_LINES = {"cts": True, "dsr": False, "ri": False, "cd": False}


class _UnoUsbPort(SimSerial):
    """A ``sim://`` port whose input modem lines read as :data:`UNO_MODEM_LINES`.

    Everything else is the ``sim://`` port itself: opening with DTR (pyserial's default)
    resets the board, DTR going active again resets it, the baud rate is compared with the
    sketch's, and bytes move at the baud rate.
    """

    def _modem_line(self, name: str) -> bool:
        self._link()  # raises, as the other lines do, when the port is closed or unplugged
        return UNO_MODEM_LINES[name]

    @property
    def cts(self) -> bool:
        return self._modem_line("cts")

    @property
    def dsr(self) -> bool:
        return self._modem_line("dsr")

    @property
    def ri(self) -> bool:
        return self._modem_line("ri")

    @property
    def cd(self) -> bool:
        return self._modem_line("cd")


class _Rfc2217Session:
    """One client's connection: Telnet and RFC 2217 on the socket, the board's port behind.

    Two threads, as in pyserial's ``examples/rfc2217_server.py``. The server's thread copies
    the client's bytes to the board: pyserial's :class:`~serial.rfc2217.PortManager` takes
    the Telnet commands out of them and carries them out on the board's port (baud rate,
    DTR, RTS, break, purging the buffers) and answers the client. A reader thread copies
    what the board prints to the client, doubling each 0xFF byte (Telnet's IAC), so that a
    data byte 255 is not taken for a command.
    """

    #: how often (seconds) the copy loop looks at the server's stop flag while the client
    #: is quiet (a stop also hangs up, which wakes it at once)
    POLL = 0.1

    def __init__(self, board_port: _UnoUsbPort, conn: socket.socket,
                 stop: threading.Event) -> None:
        self.board_port = board_port
        self.conn = conn
        self._stop = stop
        self._write_lock = threading.Lock()  # the two threads both send to the client
        self._reader = threading.Thread(target=self._copy_to_client,
                                        name="Rfc2217Port reader", daemon=True)

    def run(self) -> None:
        """Serve the client until it hangs up, the board is unplugged or the server stops."""
        try:
            # PortManager asks the client for the Telnet options at once, through write()
            manager = rfc2217.PortManager(self.board_port, self, logger=log.getChild("rfc2217"))
            self._reader.start()
            self._copy_to_board(manager)
        except (SerialException, OSError) as exc:  # SerialException: the board's port
            log.debug("rfc2217 connection ended: %s", exc)
        finally:
            self.hang_up()
            self.board_port.close()  # wakes the reader's read(), which then ends
            if self._reader.is_alive():
                self._reader.join(timeout=5)

    def write(self, data: bytes) -> None:
        """Send bytes to the client as they are (PortManager sends its answers through it)."""
        with self._write_lock:
            self.conn.sendall(data)

    def hang_up(self) -> None:
        """End the connection from any thread: both copy loops see it and stop."""
        self.board_port.cancel_write()  # a write waiting for room in the 4 KB buffer returns
        try:
            self.conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already shut down, or the client is gone

    def _copy_to_board(self, manager: rfc2217.PortManager) -> None:
        while not self._stop.is_set():
            readable, _, _ = select.select([self.conn], [], [], self.POLL)
            if not readable:
                continue
            data = self.conn.recv(4096)
            if not data:
                return  # the client closed the port
            payload = b"".join(manager.filter(data))  # Telnet commands handled in here
            if payload:
                self.board_port.write(payload)  # waits while the computer's buffer is full

    def _copy_to_client(self) -> None:
        try:
            while True:
                data = self.board_port.read(self.board_port.in_waiting or 1)
                if data:
                    self.write(data.replace(rfc2217.IAC, rfc2217.IAC + rfc2217.IAC))
        except (SerialException, OSError):
            pass  # the port was closed (client gone, server stopping) or the board unplugged
        finally:
            self.hang_up()


class Rfc2217Port(_PortThread):
    """An RFC 2217 server for ``board``'s serial port: a network port whose modem lines work.

    Programs open it with pyserial's RFC 2217 client, which carries the serial settings and
    the modem lines over Telnet (RFC 2217, COM-PORT-OPTION)::

        port = serial.serial_for_url("rfc2217://127.0.0.1:7001", timeout=2)
        port.dtr = False; time.sleep(0.1); port.dtr = True   # resets the Uno

    What the program sees, as with a real Uno R3 on a Linux computer:

    - every new connection is an open, and resets the board (Linux raises DTR whenever a
      port is opened, however soon after a close);
    - DTR going active again resets it (the classic ``port.dtr = False`` /
      ``port.dtr = True``); RTS is accepted and changes nothing, as on the Uno;
    - ``cts``, ``dsr``, ``ri`` and ``cd`` read :data:`UNO_MODEM_LINES`;
    - the baud rate the client sets (when it opens, or later with ``port.baudrate = ...``)
      is the computer's end of the wire: one that differs from the sketch's
      ``Serial.begin()`` gives garbage both ways.

    Behind the server is a ``sim://`` port object opened on the board for each connection,
    driven by pyserial's own server half, :class:`~serial.rfc2217.PortManager`. One client
    at a time: another one waits until the first has closed (pyserial's client gives up
    after 3 seconds). Unplugging the board (``board.unplug()``) hangs up on the client and
    stops the server, as for :class:`TcpPort`. Run it with a realtime clock.

    :param board: the :class:`~simulators.uno.Uno`.
    :param host: address to listen on (default loopback: RFC 2217 has no password, so
        anyone who can reach the port can use the board).
    :param port: TCP port; 0 picks a free one (see :attr:`address` and :attr:`url`).
    """

    def __init__(self, board: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(board)
        if self.clock.virtual:
            raise ConfigError("Rfc2217Port needs a realtime clock (programs on the network "
                              "wait in real time): World(clock='realtime')")
        self._plugged_session = self.link.session  # an unplug changes it: the server ends
        try:
            self.server = socket.create_server((host, port))
        except OSError as exc:
            raise PortError(f"cannot listen on {host}:{port}: {exc}") from exc
        self.server.settimeout(self.POLL * 5)
        self.address: tuple[str, int] = self.server.getsockname()[:2]
        self._name = f"{board.name}-rfc2217-{id(self)}"  # its sim:// name while opening
        self._session: _Rfc2217Session | None = None
        self._closed = False

    @property
    def url(self) -> str:
        """The pyserial URL of this port."""
        return f"rfc2217://{self.address[0]}:{self.address[1]}"

    def stop(self) -> None:
        """Stop serving: hang up on the client, if one is connected, and stop listening."""
        self._stop.set()
        session = self._session
        if session is not None:
            session.hang_up()
        super().stop()

    def _unplugged(self) -> bool:
        return not self.board.plugged or self.link.session != self._plugged_session

    def _run(self) -> None:
        self._accept_loop("rfc2217")

    def _serve(self, conn: socket.socket) -> None:
        """One client, from its connection to its hang-up."""
        try:
            conn.settimeout(None)  # blocking; the session waits with select()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # answers go at once
        except OSError:
            return  # the client has gone already
        try:
            board_port = self._open_board_port()
        except SerialException as exc:  # busy (another program has it), unplugged, ...
            log.warning("rfc2217: a client connected but the board's port cannot be "
                        "opened (%s); closing that connection", exc)
            return
        self._session = _Rfc2217Session(board_port, conn, self._stop)
        try:
            self._session.run()
        finally:
            self._session = None

    def _open_board_port(self) -> _UnoUsbPort:
        """Open the board's port as a program would, with DTR active: the board resets.

        The board is registered as ``sim://<name>`` just long enough to open it.
        """
        name = register_board(self.board, self._name)
        try:
            return _UnoUsbPort(f"sim://{name}", timeout=None)
        finally:
            unregister_board(self.board, name)

    def _cleanup(self) -> None:
        if not self._closed:
            self._closed = True
            self.server.close()
