"""The RFC 2217 way in: pyserial's real ``rfc2217://`` client against :class:`Rfc2217Port`.

Realtime clock (a program on the network waits in real time), every server on a free port
(port 0, then the port it got), every thread and socket checked closed afterwards.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time

import pytest
import serial

from simulators import ConfigError, World
from simulators.cli import main
from simulators.transports import UNO_MODEM_LINES, Rfc2217Port

pytestmark = [
    # pyserial 3.5's RFC 2217 client names its reader thread with setDaemon() and setName(),
    # deprecated since Python 3.10; the client works the same.
    pytest.mark.filterwarnings(
        r"ignore:setDaemon\(\) is deprecated:DeprecationWarning:serial.rfc2217"),
    pytest.mark.filterwarnings(
        r"ignore:setName\(\) is deprecated:DeprecationWarning:serial.rfc2217"),
]

BANNER = b"# Blink to Backend Uno (simulated): loopback ready\r\n"


class Bench:
    """Boards behind RFC 2217 servers, and pyserial clients; all closed by the fixture."""

    def __init__(self) -> None:
        self.worlds: list[World] = []
        self.servers: list[Rfc2217Port] = []
        self.clients: list[serial.SerialBase] = []

    def serve(self, sketch: str = "loopback", **options):
        """A realtime Uno running ``sketch``, served on a free port: ``(uno, server)``."""
        world = World(seed=3, clock="realtime")
        self.worlds.append(world)
        uno = world.add_uno(sketch, **options)
        server = Rfc2217Port(uno, "127.0.0.1", 0).start()
        self.servers.append(server)
        return uno, server

    def connect(self, server: Rfc2217Port, **options) -> serial.SerialBase:
        """Open the server's port with pyserial's RFC 2217 client."""
        options.setdefault("timeout", 5)
        port = serial.serial_for_url(server.url, **options)
        self.clients.append(port)
        return port

    def close(self) -> None:
        for port in self.clients:
            port.close()
        for server in self.servers:
            server.stop()
        for world in self.worlds:
            world.close()


@pytest.fixture
def bench():
    """A :class:`Bench`; afterwards no server thread, client thread or socket is left."""
    bench = Bench()
    yield bench
    bench.close()
    left = [thread.name for thread in threading.enumerate()
            if thread.name.startswith(("Rfc2217Port", "pySerial RFC 2217"))]
    assert left == []
    assert all(server.server.fileno() == -1 for server in bench.servers)


def wait_until(condition, seconds: float = 5.0) -> None:
    """Poll ``condition()`` for up to ``seconds`` (the server works in its own thread)."""
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        time.sleep(0.01)


def test_every_open_resets_the_board_however_soon_after_a_close(bench):
    uno, server = bench.serve()
    powered_on = uno.resets
    port = bench.connect(server)
    assert uno.resets == powered_on + 1  # open() returns after the server reset the board
    port.close()
    port.open()  # straight away
    assert uno.resets == powered_on + 2
    port.close()
    for _ in range(3):  # three bare TCP connections, closed the moment they open
        socket.create_connection(server.address).close()
    wait_until(lambda: uno.resets == powered_on + 5)
    assert uno.resets == powered_on + 5


def test_dtr_low_then_high_resets_the_board_and_the_sketch_starts_over(bench):
    uno, server = bench.serve()  # loopback with its boot banner, the usual 0.5 s boot
    port = bench.connect(server)
    opened = uno.resets
    port.dtr = False
    time.sleep(0.1)
    port.rts = False
    port.rts = True  # the Uno's USB chip does nothing with RTS
    assert uno.resets == opened
    port.dtr = True  # the setter returns once the server has answered
    assert uno.resets == opened + 1
    port.reset_input_buffer()  # what the sketch printed before the reset
    assert port.read_until(BANNER).endswith(BANNER)  # it boots again, 0.5 s later


def test_modem_lines_read_as_on_a_uno_r3(bench):
    _, server = bench.serve()
    port = bench.connect(server)
    lines = {"cts": port.cts, "dsr": port.dsr, "ri": port.ri, "cd": port.cd}
    assert all(type(value) is bool for value in lines.values())
    assert lines == UNO_MODEM_LINES == {"cts": True, "dsr": False, "ri": False, "cd": False}


def test_loopback_echoes_500_bytes_including_telnets_0xff(bench):
    uno, server = bench.serve(params={"banner": "0", "baud": "115200"}, boot_ms=0)
    port = bench.connect(server, baudrate=115200)
    data = bytes(range(256)) + bytes(range(244))  # 0xFF is Telnet's IAC: escaped both ways
    port.write(data)
    assert port.read(len(data)) == data
    assert uno.serial.dropped == 0


def test_the_clients_baud_rate_is_the_computers_end_of_the_wire(bench):
    _, server = bench.serve(params={"banner": "0", "baud": "115200"}, boot_ms=0)
    port = bench.connect(server, baudrate=9600)  # the sketch runs at 115200
    port.write(b"hello, board\n")
    garbled = port.read(13)
    assert len(garbled) == 13 and garbled != b"hello, board\n"
    port.baudrate = 115200  # sent to the server, applied to the computer's end
    port.write(b"hello, board\n")
    assert port.readline() == b"hello, board\n"


def test_unplugging_hangs_up_and_stops_the_server(bench):
    uno, server = bench.serve()
    port = bench.connect(server)
    uno.unplug()
    with pytest.raises(serial.SerialException):
        for _ in range(50):
            port.read(100)
    assert server.wait(5)


def test_a_virtual_clock_is_refused_with_a_hint():
    with World(clock="virtual") as world:
        uno = world.add_uno("blink")
        with pytest.raises(ConfigError, match="realtime"):
            Rfc2217Port(uno)


def test_cli_serves_rfc2217_and_dtr_resets_the_board():
    server = subprocess.Popen(
        [sys.executable, "-m", "simulators", "arduino", "--sketch", "loopback",
         "--rfc2217", "127.0.0.1:0"],
        stderr=subprocess.PIPE, text=True)
    try:
        line = server.stderr.readline()
        assert "rfc2217://127.0.0.1:" in line, line
        url = line.split(" on ")[1].split()[0]
        port = serial.serial_for_url(url, timeout=5)
        try:
            port.dtr = False
            time.sleep(0.1)
            port.dtr = True
            port.reset_input_buffer()
            assert port.read_until(BANNER).endswith(BANNER)  # the sketch started over
            port.write(b"echo\n")
            assert port.readline() == b"echo\n"
        finally:
            port.close()
    finally:
        server.terminate()
        assert server.wait(10) == 0
        server.stderr.close()


def test_cli_explains_a_bad_address(capsys):
    assert main(["arduino", "--rfc2217", "localhost"]) == 1
    assert "--rfc2217 wants HOST:PORT" in capsys.readouterr().err
