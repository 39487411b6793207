"""The shortcuts taken to make the day benchmark fast (``python -m simulators.bench``) change
nothing a program can see: each one is checked here against the slow way it replaces.

``test_sim_perf_identity.py`` checks whole runs byte for byte; these tests check the pieces
on inputs those runs never meet (other values, other pins, reads with a size, a timeout of
zero, Arduino functions called outside a sketch).
"""

from __future__ import annotations

import json
import math

import pytest
import serial

import simulators  # noqa: F401  (registers sim://)
from simulators import SketchError, World
from simulators.arduino import DHT, Serial, analogRead, digitalRead, millis, randomSeed
from simulators.parts import Faults
from simulators.sketches import _pins


@pytest.mark.parametrize("temperature, humidity", [
    (19.1, 47.5), (-0.0, 100.0), (21.0, 0.0), (-12.3, 33.3333), (1e-7, 1e21),
    (math.nan, 47.5), (19.1, math.nan), (math.nan, math.nan),
])
def test_a_sample_line_is_json_dumps_of_its_values(world, temperature, humidity):
    """sample() writes its line by hand: it must be exactly what json.dumps would write."""
    class Stub:  # a DHT that answers what the test says
        def readTemperature(self):  # noqa: N802
            return temperature

        def readHumidity(self):  # noqa: N802
            return humidity

    seen = {}

    class Sketch:
        def setup(self):
            seen["line"] = _pins.sample(Stub(), 41)
            seen["values"] = {
                "seq": 41, "ms": millis(),
                "temperature": None if math.isnan(temperature) else temperature,
                "humidity": None if math.isnan(humidity) else humidity,
                "light": analogRead(_pins.LIGHT_PIN), "motion": digitalRead(_pins.PIR_PIN)}

        def loop(self):
            pass

    world.add_uno(Sketch, boot_ms=0)
    world.clock.advance(0.01)
    assert seen["line"] == json.dumps(seen["values"], separators=(",", ":"))
    assert json.loads(seen["line"])["seq"] == 41


@pytest.mark.parametrize("faults, active", [
    ({}, False), ({"stuck": False}, False), ({"noise": 0.5}, True), ({"drift": -1}, True),
    ({"dropout": 0.1}, True), ({"stuck": True}, True), ({"stuck": 0.0}, True),
])
def test_faults_active_says_whether_apply_faults_changes_anything(faults, active):
    assert Faults(**faults).active is active
    with World(seed=2) as world:
        ldr = world.add_part("photoresistor", "light", faults=faults)
        world.clock.advance(3600)
        if not active:  # the shortcut: no call at all, the same value
            assert ldr._apply_faults(123.456) == 123.456


def test_sensors_without_faults_read_as_before_with_faults():
    """A sensor with faults still goes through them (the shortcut is only for none)."""
    with World(seed=3) as world:
        plain = world.add_part("dht22", "plain")
        noisy = world.add_part("dht22", "noisy", faults={"noise": 5.0}, checksum_error_rate=0)
        world.clock.advance(10)
        assert plain.read() != noisy.read()


@pytest.mark.parametrize("call", [
    lambda: millis(), lambda: analogRead(0), lambda: digitalRead(4),
    lambda: Serial.println("hello"), lambda: DHT(2).readTemperature(), lambda: randomSeed(1),
])
def test_arduino_functions_outside_a_sketch_raise_sketch_error(call):
    with pytest.raises(SketchError, match="inside a sketch"):
        call()


def test_analog_and_digital_reads_accept_every_way_of_naming_a_pin(world):
    seen = {}

    class Reader:
        def setup(self):
            seen["analog"] = [analogRead(p) for p in (0, 14, 14.0, True, 6)]
            seen["digital"] = [digitalRead(p) for p in (4, 4.0, "4")]
            for bad in (20, -1, 99):
                with pytest.raises(ValueError, match="pins 0-19"):
                    analogRead(bad)
                with pytest.raises(ValueError, match="pins 0-19"):
                    digitalRead(bad)

        def loop(self):
            pass

    world.add_uno(Reader)
    world.clock.advance(1)
    assert seen["analog"][0] == seen["analog"][1] == seen["analog"][2]
    assert len(set(seen["digital"])) == 1


@pytest.fixture
def reporter():
    port = serial.serial_for_url(
        "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual&interval=1000", timeout=5)
    port.readline()  # the banner
    yield port
    port.close()


def test_read_until_with_a_size_stops_at_the_size(reporter):
    assert reporter.read_until(b"\n", 5) == b'{"seq'
    assert reporter.read_until(b'"ms"') == b'":0,"ms"'
    assert reporter.readline(3) == b":0,"
    assert reporter.readline().endswith(b"}\r\n")


def test_reads_with_a_timeout_of_zero_take_what_has_come(reporter):
    assert reporter.readline().startswith(b'{"seq":0,')  # it came with the banner
    reporter.timeout = 0
    start = reporter.board.clock.now_us
    assert reporter.readline() == b""  # the next one is not printed yet: no time passes
    assert reporter.read(10) == b""
    assert reporter.board.clock.now_us == start
    reporter.board.clock.advance(1)
    assert reporter.read(8) == b'{"seq":1'
    assert reporter.readline().endswith(b"}\r\n")


def test_a_read_that_times_out_returns_what_came_by_the_deadline(open_port):
    port = open_port("sim://uno?sketch=loopback&clock=virtual&banner=0&boot_ms=0",
                     timeout=0.005)
    port.write(b"0123456789" * 3)
    start = port.board.clock.now_us
    part = port.read(30)  # 5 ms: the echo of the first bytes only
    assert 0 < len(part) < 30 and (b"0123456789" * 3).startswith(part)
    assert port.board.clock.now_us - start == 5_000
    port.timeout = 1
    assert part + port.read(30 - len(part)) == b"0123456789" * 3
