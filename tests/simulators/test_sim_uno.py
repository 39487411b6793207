"""The Arduino Uno: sketches on the clock, pins, the built-in sketches, and sim:// ports."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import serial

import simulators
from simulators import ConfigError, SketchError, register_board, unregister_board
from simulators.arduino import (
    HIGH,
    INPUT_PULLUP,
    OUTPUT,
    Serial,
    analogRead,
    analogWrite,
    delay,
    digitalRead,
    digitalWrite,
    millis,
    pinMode,
)

SENSOR_URL = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual"


def lines(port, n):
    return [port.readline() for _ in range(n)]


def samples(port, n):
    return [json.loads(line) for line in lines(port, n) if line.startswith(b"{")]


# -- the board and its sketches ---------------------------------------------------------


def test_blink_toggles_the_builtin_led_every_second(world):
    uno = world.add_uno("blink")
    world.clock.advance(5)
    history = list(uno.parts["builtin"].history)
    assert [b for _, b in history[:4]] == [1.0, 0.0, 1.0, 0.0]
    times = [t for t, _ in history]
    gaps = [round(b - a, 6) for a, b in zip(times, times[1:], strict=False)]
    assert gaps == [1.0] * (len(times) - 1)


def test_a_sketch_from_an_object_reads_pins(world):
    seen = {}

    def setup():
        pinMode(3, INPUT_PULLUP)
        pinMode(13, OUTPUT)

    def loop():
        seen["button"] = digitalRead(3)
        seen["knob"] = analogRead(1)  # analogRead(1) means A1
        seen["millis"] = millis()
        digitalWrite(13, HIGH)
        analogWrite(5, 64)
        delay(100)

    uno = world.add_uno(SimpleNamespace(setup=setup, loop=loop))
    uno.parts["knob"].turn(1.0)
    world.clock.advance(1)
    assert seen["button"] == 1 and seen["knob"] == 1023
    uno.parts["button"].press()
    world.clock.advance(0.5)
    assert seen["button"] == 0
    assert uno.parts["builtin"].is_lit
    assert uno.parts["led"].brightness == pytest.approx(64 / 255)
    assert 900 <= seen["millis"] <= 1100  # booted at 0.5 s; loops every 100 ms


def test_a_sketch_class_gets_fresh_state_on_reset(world):
    class Counter:
        def __init__(self):
            self.loops = 0

        def setup(self):
            pass

        def loop(self):
            self.loops += 1
            delay(10)

    uno = world.add_uno(Counter)
    world.clock.advance(1)
    assert uno.sketch.loops > 40
    uno.reset()
    world.clock.advance(0.6)
    assert uno.sketch.loops < 20


def test_a_failing_sketch_halts_the_board_with_sketch_error(world):
    def loop():
        raise ZeroDivisionError("oops")

    world.add_uno(SimpleNamespace(setup=lambda: None, loop=loop))
    with pytest.raises(SketchError, match="oops"):
        world.clock.advance(2)


def test_arduino_functions_outside_a_sketch_fail_clearly():
    with pytest.raises(SketchError, match="inside a sketch"):
        digitalWrite(13, HIGH)


def test_unknown_sketch_names_the_known_ones(world):
    with pytest.raises(ConfigError, match="sensor_reporter"):
        world.add_uno("no_such_sketch")


def test_board_description_puts_parts_on_pins(world):
    wiring = {"D6": {"part": "led", "name": "mine"}, "A2": "potentiometer"}
    uno = world.add_uno("blink", wiring=wiring)
    assert set(uno.parts) == {"mine", "potentiometer16"}
    assert uno.part_on(6) is uno.parts["mine"]


@pytest.mark.parametrize("wiring", [{"D20": "led"}, {"Q1": "led"}, {"D2": {"name": "x"}}],
                         ids=["pin-out-of-range", "bad-pin-name", "no-part-kind"])
def test_bad_board_descriptions(world, wiring):
    with pytest.raises(ConfigError):
        world.add_uno("blink", wiring=wiring)


# -- sim:// ------------------------------------------------------------------------------


def test_sim_url_boots_with_a_banner_then_json_samples(open_port):
    port = open_port(SENSOR_URL)
    assert port.readline().startswith(b"# Blink to Backend Uno")
    got = samples(port, 5)
    assert [s["seq"] for s in got] == [0, 1, 2, 3, 4]
    assert [s["ms"] for s in got] == [0, 1000, 2000, 3000, 4000]
    assert set(got[0]) == {"seq", "ms", "temperature", "humidity", "light", "motion"}
    assert isinstance(port.board, simulators.Uno)


def test_interval_option_sets_the_sample_rate(open_port):
    port = open_port(SENSOR_URL + "&interval=250")
    got = samples(port, 5)
    assert [s["ms"] for s in got] == [0, 250, 500, 750]


def test_same_seed_gives_byte_identical_output(open_port):
    first = b"".join(lines(open_port(SENSOR_URL), 600))
    second = b"".join(lines(open_port(SENSOR_URL), 600))
    other = b"".join(lines(open_port(SENSOR_URL.replace("seed=7", "seed=8")), 600))
    assert first == second
    assert first != other


def test_timeout_is_simulated_time_and_in_waiting_does_not_move_time(open_port):
    port = open_port("sim://uno?sketch=command_listener&clock=virtual", timeout=3)
    port.readline()  # banner
    clock = port.board.clock
    before = clock.now()
    assert port.in_waiting == 0 and clock.now() == before
    assert port.read(10) == b""  # nothing to say: the timeout passes in simulated time
    assert clock.now() == pytest.approx(before + 3, abs=0.01)
    port.timeout = 0
    assert port.read(10) == b"" and clock.now() == pytest.approx(before + 3, abs=0.01)


def test_reset_input_buffer_discards_unread_bytes(open_port):
    port = open_port(SENSOR_URL)
    port.board.clock.advance(10)
    assert port.in_waiting > 100
    port.reset_input_buffer()
    assert port.in_waiting == 0
    assert json.loads(port.readline())["seq"] >= 9


@pytest.mark.parametrize("command,answer", [
    (b"LED ON\n", b"OK LED ON\r\n"),
    (b"heater on\n", b"OK HEATER ON\r\n"),
    (b"SERVO 90\n", b"OK SERVO 90\r\n"),
    (b"SERVO 270\n", b"ERR SERVO expects an angle 0-180, not 270\r\n"),
    (b"LAMP MAYBE\n", b"ERR LAMP expects ON or OFF, not MAYBE\r\n"),
    (b"DANCE\n", b"ERR unknown command DANCE"),
    (b"PING\n", b"OK PONG\r\n"),
], ids=["led-on", "heater-lowercase", "servo", "servo-out-of-range", "bad-switch",
        "unknown", "ping"])
def test_command_listener_answers(open_port, command, answer):
    port = open_port("sim://uno?sketch=command_listener&clock=virtual")
    port.readline()
    port.write(command)
    assert port.readline().startswith(answer)


def test_commands_move_the_parts_and_the_room(open_port):
    port = open_port("sim://uno?sketch=command_listener&clock=virtual")
    port.readline()
    for command in (b"LED ON\n", b"HEATER ON\n", b"SERVO 45\n", b"BUZZER 440\n"):
        port.write(command)
        assert port.readline().startswith(b"OK")
    parts = port.board.parts
    assert parts["led"].is_lit and parts["heater"].is_on and parts["servo"].angle == 45
    assert parts["buzzer"].frequency == 440
    assert port.board.world.room.heater_on


def test_hub_node_reports_and_obeys(open_port):
    port = open_port("sim://uno?sketch=hub_node&clock=virtual&interval=1000")
    assert b"hub_node" in port.readline()
    port.write(b"INTERVAL 500\nLAMP ON\n")
    got = [port.readline() for _ in range(8)]
    assert b"OK INTERVAL 500\r\n" in got and b"OK LAMP ON\r\n" in got
    ms = [json.loads(g)["ms"] for g in got if g.startswith(b"{")]
    assert ms[-1] - ms[-2] == 500


def test_opening_the_port_resets_the_board(world, open_port):
    uno = world.add_uno("sensor_reporter", name="kitchen")
    register_board(uno)
    try:
        world.clock.advance(30)
        resets = uno.resets
        port = open_port("sim://kitchen")
        assert uno.resets == resets + 1
        assert port.readline().startswith(b"# Blink to Backend")
        assert json.loads(port.readline())["seq"] == 0
        port.dtr = False
        port.dtr = True  # what the Arduino IDE does before an upload
        assert uno.resets == resets + 2
    finally:
        port.close()
        unregister_board(uno)


def test_wrong_baud_rate_gives_garbage_deterministically(open_port):
    first = open_port(SENSOR_URL, baudrate=115200).read(200)
    second = open_port(SENSOR_URL, baudrate=115200).read(200)
    assert first == second
    assert b"Blink to Backend" not in first and b'"seq"' not in first
    assert len(first) == 200


def test_unplugging_makes_the_next_read_raise(open_port):
    port = open_port(SENSOR_URL)
    port.readline()
    port.board.unplug()
    with pytest.raises(serial.SerialException):
        port.readline()
    with pytest.raises(serial.SerialException):
        port.write(b"x")
    port.board.plug()
    with pytest.raises(serial.SerialException):
        port.read(1)  # the old handle stays dead; reopen to use the board again


def test_board_receive_buffer_holds_64_bytes_for_a_sketch_that_reads_too_slowly(world):
    def setup():
        Serial.begin(9600)

    def loop():
        delay(1000)  # never reads Serial: the receive buffer fills, then overflows

    uno = world.add_uno(SimpleNamespace(setup=setup, loop=loop), name="deaf")
    register_board(uno)
    try:
        port = serial.serial_for_url("sim://deaf", timeout=1)
        world.clock.advance(1)  # booted
        port.write(b"X" * 100)
        world.clock.advance(0.2)  # 100 bytes at 9600 baud take 0.104 s
        link = uno.serial
        assert port.out_waiting == 0
        assert len(link.settle_board()) == 64  # what Serial.available() would find now
        assert link.rx_dropped == 36 and link.dropped == 36
        port.close()
    finally:
        unregister_board(uno)


def test_host_buffer_is_finite(open_port):
    port = open_port(SENSOR_URL)
    port.board.clock.advance(3600)  # an hour of output nobody reads
    assert port.in_waiting == 4096
    assert port.board.serial.dropped > 100_000


@pytest.mark.parametrize("url", ["sim://", "sim://uno?seed=x", "sim://nowhere",
                                 "sim://uno?sketch=nope"],
                         ids=["no-board", "bad-seed", "unknown-board", "unknown-sketch"])
def test_bad_urls_raise_serial_exception(url):
    with pytest.raises(serial.SerialException):
        serial.serial_for_url(url)


def test_registered_board_takes_no_options(world):
    uno = world.add_uno("blink", name="hall")
    register_board(uno)
    try:
        with pytest.raises(serial.SerialException, match="no options"):
            serial.serial_for_url("sim://hall?seed=3")
    finally:
        unregister_board(uno)


def test_serial_api_inside_sketch_read_string_until(world):
    got = []

    def setup():
        Serial.begin(9600)

    def loop():
        if Serial.available():
            got.append(Serial.readStringUntil("\n"))
        delay(10)

    uno = world.add_uno(SimpleNamespace(setup=setup, loop=loop), name="echo")
    register_board(uno)
    try:
        port = serial.serial_for_url("sim://echo", timeout=1)
        port.read(1)  # let it boot
        port.write(b"hello\nworld\n")
        world.clock.advance(0.1)
        assert got == ["hello", "world"]
        port.close()
    finally:
        unregister_board(uno)
