"""Same seed, same bytes: short fixed runs of the built-in sketches, hashed.

The digests below were taken from the simulators as they were before the day benchmark
was made fast (``python -m simulators.bench``), so a speed-up that changes anything a
seed produces fails here: a byte on the serial line, the simulated moment a ``readline()``
returns, an LED's history, a dropped-byte count. Each run hashes ``repr()`` of what it saw.

If the simulation changes on purpose (a new part, a different banner), print the new
digests with ``python tests/simulators/test_sim_perf_identity.py``, check the change is
the one intended, and paste them in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

import pytest
import serial

import simulators  # noqa: F401  (registers sim://)
from simulators import World

SENSOR = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual&interval=1000"


def digest(items: Iterable[object]) -> str:
    """A SHA-256 of the ``repr()`` of each item, in order."""
    h = hashlib.sha256()
    for item in items:
        h.update(repr(item).encode())
        h.update(b"\0")
    return h.hexdigest()


def sensor_reporter_lines() -> list[object]:
    """The banner and 2,000 samples read with readline(), each with the time it returned."""
    port = serial.serial_for_url(SENSOR, timeout=5)
    try:
        seen = []
        for _ in range(2_001):
            seen += [port.readline(), port.board.clock.now_us]
        return seen
    finally:
        port.close()


def sensor_reporter_in_chunks() -> list[object]:
    """A faulty sensor at 5 Hz read 37 bytes at a time with a short timeout."""
    port = serial.serial_for_url(
        "sim://uno?sketch=sensor_reporter&seed=11&clock=virtual&interval=200"
        "&faults=noise:0.5,drift:2", timeout=0.05)
    try:
        seen = []
        for _ in range(1_000):
            seen += [port.read(37), port.board.clock.now_us]
        return seen
    finally:
        port.close()


def blink_history() -> list[object]:
    """Two minutes of the built-in LED, at the default interval and at 250 ms."""
    seen: list[object] = []
    for seed, params in ((1, {}), (3, {"interval": 250})):
        with World(seed=seed) as world:
            uno = world.add_uno("blink", params=params)
            world.clock.advance(120)
            seen += list(uno.parts["builtin"].history) + [world.clock.now_us]
    return seen


def command_listener_answers() -> list[object]:
    """Commands one at a time, then nine in one write, then a read that times out."""
    port = serial.serial_for_url("sim://uno?sketch=command_listener&seed=2&clock=virtual",
                                 timeout=2)
    try:
        clock = port.board.clock
        seen = [port.readline(), clock.now_us]
        for line in ("LED ON", "HEATER ON", "SERVO 90", "BUZZER 440", "BLAH", "LED 300",
                     "LAMP ON", "PING", "LED OFF", "SERVO 200", "BUZZER OFF", "HEATER OFF"):
            port.write(line.encode() + b"\n")
            seen += [port.readline(), clock.now_us]
        port.write(b"".join(f"SERVO {angle}\n".encode() for angle in range(0, 180, 20)))
        for _ in range(9):
            seen += [port.readline(), clock.now_us]
        seen += [port.read(10), clock.now_us, port.board.serial.dropped]
        return seen
    finally:
        port.close()


def unread_output() -> list[object]:
    """Ten minutes that nobody reads: what the computer kept, what it dropped."""
    port = serial.serial_for_url("sim://uno?sketch=sensor_reporter&seed=7&clock=virtual",
                                 timeout=5)
    try:
        link = port.board.serial
        port.board.clock.advance(600)
        seen = [port.in_waiting, link.host_dropped, link.dropped, port.board.clock.now_us]
        seen += [port.read(port.in_waiting), port.readline(), port.board.clock.now_us]
        return seen
    finally:
        port.close()


def loopback_echo() -> list[object]:
    """8 KB written 4 KB at a time to the loopback sketch at 115200 baud, read back."""
    data = bytes(range(256)) * 32
    port = serial.serial_for_url(
        "sim://uno?sketch=loopback&clock=virtual&banner=0&boot_ms=0&baud=115200",
        baudrate=115200, timeout=60)
    try:
        seen: list[object] = []
        for start in range(0, len(data), 4096):
            chunk = data[start:start + 4096]
            port.write(chunk)
            seen += [port.read(len(chunk)), port.board.clock.now_us]
        return seen + [port.board.serial.dropped]
    finally:
        port.close()


def hub_node_session() -> list[object]:
    """hub_node's samples with commands written in between."""
    port = serial.serial_for_url(
        "sim://uno?sketch=hub_node&seed=5&clock=virtual&interval=700&poll=30", timeout=1)
    try:
        seen: list[object] = []
        for i in range(200):
            seen += [port.readline(), port.board.clock.now_us]
            if i % 17 == 3:
                port.write(b"INTERVAL 300\n" if i % 2 else b"LED ON\nLAMP ON\n")
        return seen
    finally:
        port.close()


RUNS: dict[str, tuple[Callable[[], list[object]], str]] = {
    "sensor_reporter_lines": (
        sensor_reporter_lines,
        "298928198146fd064813954b35c0764ae12494e8f73643fadcee7fa33fdcd5fd"),
    "sensor_reporter_in_chunks": (
        sensor_reporter_in_chunks,
        "b6d146a44f94ccf5d94718bce48ecfff2c14168b3a230e45e031c92062a192e3"),
    "blink_history": (
        blink_history,
        "e083b11a4df9fc30fff2490d11e84dbc293a673024f9551ae218ccc4380f30df"),
    "command_listener_answers": (
        command_listener_answers,
        "9d746a92170d1d10be110358be74e567c6084427f6af5e37fac3540ed5360ed3"),
    "unread_output": (
        unread_output,
        "d35249942ebdf90baa7b1d8b142021deda50899b7ffd12349318003867d65f98"),
    "loopback_echo": (
        loopback_echo,
        "562a64665b10d2da6cd9c0586c11ff12b5f892ed89438a1c84fa31711ceebd69"),
    "hub_node_session": (
        hub_node_session,
        "a87931a272fec611188cd2f6e0ec37fd780975822d3a967288edb083240c353a"),
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_a_seed_gives_the_same_bytes_as_before(name):
    run, expected = RUNS[name]
    assert digest(run()) == expected, (
        f"{name}: the simulation's output changed (see this module's docstring)")


if __name__ == "__main__":
    for name, (run, _) in sorted(RUNS.items()):
        print(f"{name}: {digest(run())}")
