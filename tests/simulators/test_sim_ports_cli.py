"""The pty and TCP ways in, and the command line (with pyserial's own miniterm)."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time

import pytest
import serial

from simulators import World
from simulators.cli import main
from simulators.transports import PtyPort, TcpPort


@pytest.fixture
def realtime_uno():
    with World(seed=2, clock="realtime", speed=1) as world:
        yield world.add_uno("hub_node", params={"interval": 200})


def test_tcp_port_is_reachable_as_pyserial_socket_url(realtime_uno):
    with TcpPort(realtime_uno) as tcp:
        port = serial.serial_for_url(tcp.url, timeout=5)
        try:
            assert port.readline().startswith(b"# Blink to Backend")
            port.write(b"LED ON\n")
            got = [port.readline() for _ in range(6)]
            assert b"OK LED ON\r\n" in got
            assert realtime_uno.parts["led"].is_lit
        finally:
            port.close()


def test_pty_port_with_a_symlink_opens_like_a_device(realtime_uno, tmp_path):
    link = tmp_path / "ttySIM0"
    with PtyPort(realtime_uno, link=link) as server:
        assert link.is_symlink()
        port = serial.Serial(str(link), 9600, timeout=5)
        try:
            assert port.readline().startswith(b"# Blink to Backend")
            port.write(b"SERVO 30\n")
            got = [port.readline() for _ in range(6)]
            assert b"OK SERVO 30\r\n" in got
            realtime_uno.unplug()
            with pytest.raises(serial.SerialException):
                for _ in range(50):
                    port.read(100)
            assert server.wait(5)
        finally:
            port.close()
    assert not link.exists()


def test_pty_at_the_wrong_baud_rate_is_garbage(realtime_uno, tmp_path):
    link = tmp_path / "ttySIM1"
    with PtyPort(realtime_uno, link=link):
        port = serial.Serial(str(link), 115200, timeout=3)
        try:
            data = port.read(120)
        finally:
            port.close()
    assert len(data) == 120 and b"Blink to Backend" not in data


def test_miniterm_shows_the_board_through_the_cli_pty(tmp_path):
    link = tmp_path / "ttySIM0"
    server = subprocess.Popen(
        [sys.executable, "-m", "simulators", "arduino", "--sketch", "sensor_reporter",
         "--interval", "200", "--pty", "--link", str(link)],
        stderr=subprocess.PIPE, text=True)
    try:
        assert "serving" in server.stderr.readline()
        controller, terminal = pty.openpty()  # miniterm wants a terminal on stdin
        miniterm = subprocess.Popen(
            [sys.executable, "-m", "serial.tools.miniterm", str(link), "9600"],
            stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        os.close(terminal)
        os.set_blocking(miniterm.stdout.fileno(), False)
        shown = b""
        deadline = time.monotonic() + 20
        while b'"seq":2' not in shown and time.monotonic() < deadline:
            shown += miniterm.stdout.read() or b""
            time.sleep(0.05)
        os.write(controller, b"\x1d")  # Ctrl+]: miniterm's exit key
        assert miniterm.wait(10) == 0
        os.close(controller)
        miniterm.stdout.close()
        miniterm.stderr.close()
        assert b"# Blink to Backend Uno (simulated): sensor_reporter ready" in shown
        assert b'"seq":0' in shown and b'"seq":2' in shown
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(10) == 0
        server.stderr.close()
    assert not os.path.lexists(link)  # the symlink goes with the server


def test_cli_list_names_boards_sketches_and_parts(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("uno", "pi", "blink", "sensor_reporter", "command_listener", "hub_node",
                 "dht22", "photoresistor", "button", "pir", "potentiometer", "led", "relay",
                 "servo", "buzzer"):
        assert name in out


@pytest.mark.parametrize("command", [[], ["list"], ["arduino"], ["fleet"]],
                         ids=["top", "list", "arduino", "fleet"])
def test_every_command_has_help_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "example" in out and "python -m simulators" in out


def test_cli_arduino_prints_output_in_virtual_time(capsysbinary):
    assert main(["arduino", "--clock", "virtual", "--duration", "3", "--seed", "5"]) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b"# Blink to Backend") and out.count(b'"seq"') == 3


def test_cli_reports_a_bad_sketch_and_exits_1(capsys):
    assert main(["arduino", "--sketch", "nope", "--clock", "virtual", "--duration", "1"]) == 1
    assert "unknown sketch" in capsys.readouterr().err
