"""The Uno's serial line timed like the wire: bytes at the baud rate both ways, the 64-byte
receive buffer, the computer's buffers, write timeouts, two threads on one port, and the
modem lines of each way in (sim://, the pty, TCP)."""

from __future__ import annotations

import errno
import threading
import time
from types import SimpleNamespace

import pytest
import serial

from simulators import World, register_board, unregister_board
from simulators.arduino import Serial, delay
from simulators.cli import main
from simulators.transports import PtyPort, TcpPort

BYTE_S = 10 / 9600  # one byte at 9600 baud, 8N1: ten bits


def loopback_url(clock: str = "virtual", **options: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in options.items())
    return f"sim://uno?sketch=loopback&clock={clock}&banner=0&boot_ms=0" + (
        f"&{query}" if query else "")


@pytest.fixture
def board_on_port(world):
    """``board_on_port(sketch)``: a Uno running ``sketch`` in ``world``, opened as sim://."""
    opened = []

    def start(sketch, **port_options):
        uno = world.add_uno(sketch, name=f"b{len(opened)}")
        register_board(uno)
        port_options.setdefault("timeout", 5)
        port = serial.serial_for_url(f"sim://{uno.name}", **port_options)
        opened.append((uno, port))
        return uno, port

    yield start
    for uno, port in opened:
        port.close()
        unregister_board(uno)


def silent_sketch(poll_ms: int = 1000, log: list | None = None):
    """A sketch that starts Serial and then only looks at how much has arrived."""

    def setup():
        Serial.begin(9600)

    def loop():
        if log is not None:
            log.append(Serial.available())
        delay(poll_ms)

    return SimpleNamespace(setup=setup, loop=loop)


# -- host -> board ------------------------------------------------------------------------


def test_written_bytes_reach_the_board_at_the_baud_rate(board_on_port, world):
    uno, port = board_on_port(silent_sketch(poll_ms=1))
    world.clock.advance(1)
    assert port.write(b"A" * 40) == 40  # the computer takes them at once...
    assert port.out_waiting == 40  # ...and they have not left yet
    world.clock.advance(20 * BYTE_S)
    assert port.out_waiting == 20 and len(uno.serial.settle_board()) == 20
    world.clock.advance(20 * BYTE_S)
    assert port.out_waiting == 0 and bytes(uno.serial.settle_board()) == b"A" * 40


def test_loopback_echoes_500_bytes_written_at_once(open_port):
    port = open_port(loopback_url())
    data = bytes(range(256)) + bytes(range(244))
    assert port.write(data) == 500
    assert port.read(500) == data
    assert port.board.serial.rx_dropped == 0
    assert port.board.clock.now() == pytest.approx(501 * BYTE_S, abs=0.002)  # the wire's pace


def test_eight_commands_in_one_write_are_all_answered(open_port):
    port = open_port("sim://uno?sketch=command_listener&clock=virtual")
    port.readline()  # the banner: the board is listening
    commands = [b"LED ON", b"HEATER ON", b"LAMP ON", b"SERVO 45", b"BUZZER 440", b"PING",
                b"LED OFF", b"HEATER OFF"]
    payload = b"".join(c + b"\n" for c in commands)
    assert len(payload) > 64  # more than the Uno's receive buffer
    port.write(payload)
    answers = [port.readline() for _ in commands]
    assert answers == [b"OK " + (b"PONG" if c == b"PING" else c) + b"\r\n" for c in commands]
    assert port.board.serial.rx_dropped == 0


def test_a_sketch_that_reads_once_a_second_loses_what_overflows(board_on_port, world):
    seen = []
    uno, port = board_on_port(silent_sketch(poll_ms=1000, log=seen))
    world.clock.advance(1)
    port.write(b"x" * 200)
    world.clock.advance(1)
    assert max(seen) == 64
    assert uno.serial.rx_dropped == 200 - 64


def test_bytes_sent_while_the_board_boots_are_lost(open_port):
    port = open_port("sim://uno?sketch=loopback&clock=virtual&banner=0")  # 500 ms boot
    port.write(b"early\n")
    port.board.clock.advance(1)
    port.write(b"late\n")
    assert port.readline() == b"late\n"
    assert port.board.serial.rx_dropped == len(b"early\n")


def test_read_string_until_takes_a_long_line_as_it_arrives(board_on_port, world):
    lines = []

    def setup():
        Serial.begin(9600)

    def loop():
        if Serial.available():
            lines.append(Serial.readStringUntil("\n"))

    uno, port = board_on_port(SimpleNamespace(setup=setup, loop=loop))
    world.clock.advance(1)
    port.write(b"y" * 150 + b"\nshort\n")
    world.clock.advance(0.5)
    assert lines == ["y" * 150, "short"]
    assert uno.serial.rx_dropped == 0


# -- board -> host ------------------------------------------------------------------------


def test_printed_bytes_reach_the_host_at_the_baud_rate(open_port):
    port = open_port("sim://uno?sketch=command_listener&clock=virtual", timeout=1)
    line = port.readline()
    assert line.startswith(b"# Blink to Backend")
    clock = port.board.clock
    assert clock.now() == pytest.approx(0.5 + len(line) * BYTE_S, abs=0.0011)
    port.write(b"PING\n")
    clock.advance(0.008)  # "PING\n" has arrived, the 9-byte answer is on its way
    assert 0 < port.in_waiting < len(b"OK PONG\r\n")
    assert port.readline() == b"OK PONG\r\n"


def test_a_json_reader_needs_no_banner_with_banner_0(open_port):
    port = open_port("sim://uno?sketch=sensor_reporter&clock=virtual&seed=3&banner=0")
    assert port.readline().startswith(b'{"seq":0,')


def test_the_cli_no_banner_flag(capsysbinary):
    assert main(["arduino", "--clock", "virtual", "--duration", "2.2", "--no-banner"]) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b'{"seq":0,') and b"Blink to Backend" not in out


# -- write timeouts, flush, cancel, close ---------------------------------------------------


def test_write_timeout_raises_when_the_board_does_not_keep_up(open_port):
    port = open_port("sim://uno?sketch=blink&clock=virtual", write_timeout=0.5)
    with pytest.raises(serial.SerialTimeoutException, match="Write timeout"):
        port.write(b"z" * 10_000)  # the 4 KB buffer fills; blink never reads
    assert port.out_waiting == port.board.serial.HOST_TX_SIZE  # 4096 bytes wait to go out


def test_write_timeout_0_takes_what_fits_and_returns(open_port):
    port = open_port("sim://uno?sketch=blink&clock=virtual", write_timeout=0)
    assert port.write(b"z" * 5000) == 4096
    assert port.write(b"more") == 0
    port.reset_output_buffer()
    assert port.out_waiting == 0 and port.write(b"more") == 4


def test_flush_waits_until_the_bytes_reached_the_board(open_port):
    port = open_port(loopback_url())
    port.write(b"f" * 96)
    port.flush()
    assert port.out_waiting == 0
    assert port.board.clock.now() == pytest.approx(96 * BYTE_S, abs=0.0002)


def test_cancel_write_from_another_thread_ends_a_blocked_write(open_port):
    port = open_port("sim://uno?sketch=blink&clock=virtual")  # write_timeout=None: blocks
    clock = port.board.clock
    data = b"w" * 10_000_000  # three hours at 9600 baud
    result = []
    writer = threading.Thread(target=lambda: result.append(port.write(data)), daemon=True)
    writer.start()  # it runs the virtual clock while it waits for room
    assert wait_for(lambda: clock.now() > 10)
    port.cancel_write()
    writer.join(10)
    assert not writer.is_alive(), "cancel_write() did not end the write"
    assert 4096 < result[0] < len(data)


def test_close_closes_and_open_opens_again(open_port):
    port = open_port(loopback_url(), timeout=0.5)
    port.close()
    assert port.closed and not port.is_open
    port.close()  # twice is fine
    with pytest.raises(serial.PortNotOpenError):
        port.read(1)
    port.open()
    assert not port.closed and port.is_open
    port.write(b"1\n2\n")
    assert list(port) == [b"1\n", b"2\n"]  # io's iteration works on the reopened port


def test_dtr_pulse_resets_the_board_on_sim(open_port):
    port = open_port("sim://uno?sketch=command_listener&clock=virtual")
    port.readline()
    resets = port.board.resets
    port.setDTR(False)
    port.board.clock.advance(0.05)
    port.setDTR(True)
    assert port.board.resets == resets + 1
    assert port.readline().startswith(b"# Blink to Backend")  # it booted again
    assert port.cts and port.dsr and port.cd and not port.ri


# -- two threads on one port ----------------------------------------------------------------


@pytest.mark.parametrize("clock", ["virtual", "realtime"])
def test_a_reader_without_timeout_and_a_writer_in_another_thread(open_port, clock):
    port = open_port(loopback_url(clock, speed="20"), timeout=None)
    got = []
    reader = threading.Thread(target=lambda: got.append(port.read(30)), daemon=True)
    reader.start()
    time.sleep(0.05)  # the reader is blocked (in virtual mode: running the clock)
    for _ in range(3):
        assert port.write(b"0123456789") == 10
    reader.join(10)
    assert not reader.is_alive(), "the reader and the writer deadlocked"
    assert got == [b"0123456789" * 3]


def test_a_second_thread_waiting_for_time_rides_along(open_port):
    port = open_port(loopback_url(), timeout=None)
    clock = port.board.clock
    reader = threading.Thread(target=lambda: port.read(1), daemon=True)
    reader.start()  # it runs the virtual clock until a byte comes
    time.sleep(0.05)
    start = clock.now()
    clock.advance(2)  # this thread rides along while the reader runs the clock
    assert clock.now() >= start + 2
    port.write(b"!")
    reader.join(10)
    assert not reader.is_alive()


# -- the pty and TCP ---------------------------------------------------------------------


@pytest.fixture
def realtime_loopback():
    with World(seed=4, clock="realtime", speed=10) as world:
        yield world.add_uno("loopback", params={"banner": "0"}, boot_ms=0)


def wait_for(predicate, timeout: float = 10.0) -> bool:
    """Poll ``predicate`` (wall clock) until it is true or ``timeout`` seconds pass."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            return False
        time.sleep(0.005)
    return True


def test_pty_every_open_resets_the_board_however_soon_after_a_close(realtime_loopback,
                                                                    tmp_path):
    link = tmp_path / "ttySIM0"
    with PtyPort(realtime_loopback, link=link) as server:
        if server.watch is None:
            pytest.skip("no inotify here: quick reopens are seen by polling only")
        resets = realtime_loopback.resets
        for _ in range(3):
            serial.Serial(str(link), 9600).close()
        assert wait_for(lambda: realtime_loopback.resets == resets + 3)


def test_pty_paces_a_loopback_without_losing_bytes(realtime_loopback, tmp_path):
    link = tmp_path / "ttySIM1"
    with PtyPort(realtime_loopback, link=link):
        port = serial.Serial(str(link), 9600, timeout=10)
        try:
            data = bytes(range(256)) * 2
            port.write(data)
            assert port.read(len(data)) == data
            assert realtime_loopback.serial.rx_dropped == 0
        finally:
            port.close()


def test_pty_modem_lines_are_refused_by_the_kernel(realtime_loopback, tmp_path):
    # Documented limit: a pty has no modem lines (TIOCMGET/TIOCMBIS answer ENOTTY).
    link = tmp_path / "ttySIM2"
    with PtyPort(realtime_loopback, link=link):
        port = serial.Serial(str(link), 9600, timeout=1)
        try:
            with pytest.raises(OSError) as raised:
                port.dtr = False
            assert raised.value.errno == errno.ENOTTY
            port.baudrate = 115200  # termios calls work
            port.reset_input_buffer()
        finally:
            port.close()


def test_tcp_each_connection_resets_and_modem_calls_are_ignored(realtime_loopback):
    with TcpPort(realtime_loopback) as tcp:
        resets = realtime_loopback.resets
        for expected in (1, 2):
            port = serial.serial_for_url(tcp.url, timeout=5)
            try:
                assert wait_for(lambda n=expected: realtime_loopback.resets == resets + n)
                port.dtr = False  # pyserial's socket:// ignores modem lines
                port.dtr = True
                assert port.cts
                port.write(b"ping\n")
                assert port.readline() == b"ping\n"
            finally:
                port.close()
            assert wait_for(lambda: realtime_loopback.serial.host is None)
