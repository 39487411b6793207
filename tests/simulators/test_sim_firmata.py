"""The firmata sketch: StandardFirmata's messages byte for byte (virtual clock, sim://), then
the real Firmata clients, pyfirmata2 and pymata4, driving the breadboard through a pty."""

from __future__ import annotations

import contextlib
import threading
import time
import urllib.parse

import pyfirmata2
import pytest
from pymata4.private_constants import PrivateConstants
from pymata4.pymata4 import Pymata4

from simulators import World
from simulators.transports import PtyPort

END_SYSEX = 0xF7


def split_messages(data: bytes) -> tuple[list[bytes], bytes]:
    """Cut what a Firmata board sent into whole messages; returns them and the unfinished rest.

    Sysex runs from F0 to F7; F9 and the 0x90/0xE0 channel messages carry two data bytes.
    """
    messages, i = [], 0
    while i < len(data):
        first = data[i]
        if first == 0xF0:
            end = data.find(END_SYSEX, i)
            size = 0 if end < 0 else end - i + 1
        elif first == 0xF9 or first & 0xF0 in (0x90, 0xE0):
            size = 3 if len(data) - i >= 3 else 0
        else:
            size = 1
        if not size:
            break
        messages.append(bytes(data[i:i + size]))
        i += size
    return messages, bytes(data[i:])


class FirmataWire:
    """The computer's end of a ``sim://`` port to the firmata sketch, message by message.

    Timeouts are simulated seconds (virtual clock): waiting lets the board run.
    """

    def __init__(self, port) -> None:
        self.port = port
        self.board = port.board
        self.clock = port.world.clock
        self.rest = b""

    def send(self, *data: int) -> None:
        self.port.write(bytes(data))

    def collect(self, seconds: float) -> list[bytes]:
        """Every message the board sends in the next ``seconds``."""
        deadline_us = self.clock.now_us + round(seconds * 1_000_000)
        data = self.rest
        while (left_us := deadline_us - self.clock.now_us) > 0:
            self.port.timeout = left_us / 1_000_000
            data += self.port.read(65536)
        messages, self.rest = split_messages(data)
        return messages

    def expect(self, prefix: bytes, timeout: float = 3.0) -> bytes:
        """The first message starting with ``prefix`` within ``timeout`` (others are skipped)."""
        deadline_us = self.clock.now_us + round(timeout * 1_000_000)
        while True:
            messages, self.rest = split_messages(self.rest)
            for index, message in enumerate(messages):
                if message.startswith(prefix):
                    self.rest = b"".join(messages[index + 1:]) + self.rest
                    return message
            left_us = deadline_us - self.clock.now_us
            assert left_us > 0, f"no message starting {prefix.hex(' ')} within {timeout} s"
            self.port.timeout = left_us / 1_000_000
            self.rest += self.port.read(1) + self.port.read(self.port.in_waiting)


@pytest.fixture
def firmata(open_port):
    """``firmata(**params)``: a booted Uno running the sketch, as a :class:`FirmataWire`.

    The port owns its fresh world: closing the port (``open_port`` does) closes the world.
    """

    def start(baudrate: int = 57600, boot: bool = True, **params: str) -> FirmataWire:
        query = urllib.parse.urlencode({"sketch": "firmata", "clock": "virtual", "seed": 1,
                                        **params})
        port = open_port(f"sim://uno?{query}", baudrate=baudrate)
        wire = FirmataWire(port)
        if boot:
            wire.expect(b"\xf0\x79")  # the start-up announcement ends with the firmware name
        return wire

    return start


def decode_text(data: bytes) -> str:
    """Sysex text: each character as two 7-bit bytes."""
    return bytes(lsb | msb << 7 for lsb, msb in zip(data[::2], data[1::2], strict=True)).decode()


def decode_capabilities(data: list[int] | bytes) -> list[dict[int, int]]:
    """A capability response's body as one {mode: resolution} dict per pin."""
    pins, current = [], []
    for byte in data:
        if byte == 0x7F:
            pins.append(dict(zip(current[::2], current[1::2], strict=True)))
            current = []
        else:
            current.append(byte)
    return pins


# -- the protocol, byte for byte ---------------------------------------------------------


def test_boot_blinks_the_version_on_d13_then_announces_it(firmata):
    wire = firmata(boot=False)
    assert wire.expect(b"\xf9") == bytes([0xF9, 2, 5])  # protocol 2.5
    announced_at = wire.clock.now()
    firmware = wire.expect(b"\xf0\x79")
    assert firmware[2:4] == bytes([2, 5])
    assert decode_text(firmware[4:-1]) == "StandardFirmata.ino"
    flashes = [t for t, brightness in wire.board.parts["builtin"].history if brightness]
    assert len(flashes) == 2 + 5
    assert flashes[-1] < announced_at  # blinked first, then announced
    assert not wire.board.parts["builtin"].is_lit


def test_version_and_firmware_are_answered_on_request(firmata):
    wire = firmata()
    wire.send(0xF9)
    assert wire.expect(b"\xf9") == bytes([0xF9, 2, 5])
    wire.send(0xF0, 0x79, 0xF7)
    assert decode_text(wire.expect(b"\xf0\x79")[4:-1]) == "StandardFirmata.ino"


def test_capability_report_describes_the_uno_pins(firmata):
    wire = firmata()
    wire.send(0xF0, 0x6B, 0xF7)
    pins = decode_capabilities(wire.expect(b"\xf0\x6c")[2:-1])
    assert len(pins) == 20
    assert pins[0] == pins[1] == {}  # the serial line Firmata talks on
    digital = {0: 1, 0x0B: 1, 1: 1, 4: 14}  # input, pull-up, output, servo (14-bit)
    for pin in range(2, 14):
        pwm = {3: 8} if pin in (3, 5, 6, 9, 10, 11) else {}
        assert pins[pin] == digital | pwm, f"pin {pin}"
    for pin in range(14, 20):
        assert pins[pin] == digital | {2: 10}, f"A{pin - 14}"  # 10-bit analog input


def test_analog_mapping_numbers_a0_to_a5(firmata):
    wire = firmata()
    wire.send(0xF0, 0x69, 0xF7)
    assert list(wire.expect(b"\xf0\x6a")[2:-1]) == [0x7F] * 14 + [0, 1, 2, 3, 4, 5]


def test_pin_modes_digital_writes_and_the_pin_state_query(firmata):
    wire = firmata()
    uno = wire.board
    wire.send(0xF0, 0x6D, 13, 0xF7)  # pins start as outputs, LOW
    assert list(wire.expect(b"\xf0\x6e")[2:-1]) == [13, 0x01, 0]
    wire.send(0x91, 0x20, 0x00)  # port 1 (pins 8-15): bit 5 is D13
    wire.collect(0.01)
    assert uno.parts["builtin"].is_lit
    wire.send(0xF5, 7, 1)  # set one pin: the heater relay on D7
    wire.send(0xF0, 0x6D, 7, 0xF7)
    assert list(wire.expect(b"\xf0\x6e")[2:-1]) == [7, 0x01, 1]
    assert uno.parts["heater"].is_on
    wire.send(0xF4, 3, 0x0B)  # D3 with its pull-up
    wire.send(0xF0, 0x6D, 3, 0xF7)
    assert list(wire.expect(b"\xf0\x6e")[2:-1]) == [3, 0x0B, 1]
    wire.send(0xF4, 4, 0x09)  # encoder mode: not in StandardFirmata
    assert decode_text(wire.expect(b"\xf0\x71")[2:-1]) == "Unknown pin mode"


def test_pwm_dims_the_led_on_d5(firmata):
    wire = firmata()
    wire.send(0xF4, 5, 0x03, 0xE5, 64, 0)  # PWM mode, then 64 of 255
    wire.collect(0.01)
    assert wire.board.parts["led"].brightness == pytest.approx(64 / 255)
    wire.send(0xF4, 4, 0x03, 0xE4, 0x7F, 0x01)  # D4 cannot PWM: nothing happens
    wire.send(0xF0, 0x6D, 4, 0xF7)
    assert list(wire.expect(b"\xf0\x6e")[2:-1]) == [4, 0x01, 0]


def test_digital_reporting_sends_the_port_at_once_and_on_every_change(firmata):
    wire = firmata()
    wire.send(0xF4, 3, 0x0B, 0xD0, 1)  # D3 (the button) with pull-up; report port 0
    assert wire.expect(b"\x90") == bytes([0x90, 0x08, 0])  # released: D3 reads HIGH
    wire.board.parts["button"].press()
    levels = [m[1] & 0x08 for m in wire.collect(0.1) if m[0] == 0x90]
    assert levels and levels[-1] == 0  # pressed pulls D3 LOW (after the contact bounces)
    wire.send(0xD0, 0)
    wire.collect(0.01)  # the board reads it on its next loop
    wire.board.parts["button"].release()
    assert not [m for m in wire.collect(0.1) if m[0] == 0x90]


def test_analog_reporting_follows_the_knob_at_the_sampling_interval(firmata):
    wire = firmata()
    wire.board.parts["knob"].turn(0.25)
    wire.send(0xF0, 0x7A, 0x08, 0x27, 0xF7)  # sample every 5000 ms (0x27 << 7 | 0x08)
    wire.send(0xC1, 1)  # report A1: its value comes at once, not 5 s later
    assert wire.collect(0.5) == [bytes([0xE1, 0x00, 0x02])]  # 256 = 2 << 7 | 0
    wire.send(0xF0, 0x7A, 100, 0, 0xF7)  # now every 100 ms
    wire.collect(0.3)  # let the sketch's sampling clock settle on the new interval
    wire.board.parts["knob"].turn(1.0)
    values = [m[1] | m[2] << 7 for m in wire.collect(1.0) if m[0] == 0xE1]
    assert len(values) in (9, 10, 11)
    assert values[-1] == 1023
    wire.send(0xF4, 15, 0x00)  # A1 as a digital input: its analog reports stop
    wire.collect(0.05)
    assert not [m for m in wire.collect(0.5) if m[0] == 0xE1]


def test_servo_takes_angles_and_pulse_widths(firmata):
    wire = firmata()
    servo = wire.board.parts["servo"]
    wire.send(0xF0, 0x70, 9, 0x20, 0x04, 0x60, 0x12, 0xF7)  # servo on D9, 544-2400 µs
    wire.send(0xE9, 45, 0)  # 45°
    wire.collect(0.01)
    assert servo.angle == 45
    wire.send(0xF0, 0x6F, 9, 0x50, 0x0F, 0xF7)  # extended analog: 2000 (µs) on D9
    wire.collect(0.01)
    assert servo.angle == 180
    wire.send(0xF0, 0x6D, 9, 0xF7)
    assert list(wire.expect(b"\xf0\x6e")[2:-1]) == [9, 0x04, 0x50, 0x0F]


def test_system_reset_puts_every_pin_back_and_stops_reports(firmata):
    wire = firmata()
    wire.send(0xF4, 5, 0x03, 0xE5, 100, 0, 0xC0, 1, 0xF4, 3, 0x0B, 0xD0, 1)
    wire.collect(0.1)
    wire.send(0xFF)
    wire.collect(0.05)
    assert not wire.collect(0.5)  # no analog or digital reports any more
    assert wire.board.parts["led"].brightness == 0
    for pin, mode in ((5, 0x01), (3, 0x01), (14, 0x02)):
        wire.send(0xF0, 0x6D, pin, 0xF7)
        assert list(wire.expect(b"\xf0\x6e")[2:4]) == [pin, mode]


def test_i2c_is_answered_with_a_plain_message(firmata):
    wire = firmata()
    wire.send(0xF0, 0x78, 0, 0, 0xF7)
    assert "not simulated" in decode_text(wire.expect(b"\xf0\x71")[2:-1])


def test_are_you_there_is_answered_with_the_instance_id(firmata):
    wire = firmata(instance_id="3")
    wire.send(0xF0, 0x51, 0xF7)
    assert wire.expect(b"\xf0\x52") == bytes([0xF0, 0x52, 3, 0xF7])


def test_express_flavour_is_quiet_at_115200_until_asked(firmata):
    wire = firmata(baudrate=115200, boot=False, express="1")
    assert wire.collect(3) == []  # no blink, no announcement
    assert not wire.board.parts["builtin"].history
    wire.send(0xF0, 0x79, 0xF7)
    firmware = wire.expect(b"\xf0\x79")
    assert firmware[2:4] == bytes([1, 2]) and decode_text(firmware[4:-1]) == "FirmataExpress.ino"
    wire.send(0xF0, 0x5F, 0, 11, 0x38, 0x03, 0, 0, 0xF7)  # tone 440 Hz on D11, no end
    wire.collect(0.01)
    assert wire.board.parts["buzzer"].frequency == 440


# -- real clients through a pty ----------------------------------------------------------


def eventually(predicate, timeout: float = 5.0) -> bool:
    """Poll ``predicate`` (wall clock) until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def pty_uno(tmp_path):
    """``start(**params)`` -> (uno, path): a realtime Uno running the sketch behind a pty."""
    with contextlib.ExitStack() as stack:

        def start(**params: str):
            world = stack.enter_context(World(seed=3, clock="realtime"))
            uno = world.add_uno("firmata", params=params)
            link = tmp_path / "ttyFIRMATA"
            stack.enter_context(PtyPort(uno, link=link))
            return uno, str(link)

        yield start


@contextlib.contextmanager
def pymata4_board(path: str, **options):
    """A Pymata4 connection, shut down afterwards with its threads stopped (see below)."""
    saved_ports = list(PrivateConstants.DIGITAL_OUTPUT_PORT_PINS)  # pymata4 keeps these globally
    board = Pymata4(com_port=path, **options)
    try:
        yield board
    finally:
        stop_pymata4(board)
        PrivateConstants.DIGITAL_OUTPUT_PORT_PINS[:] = saved_ports


def stop_pymata4(board: Pymata4) -> None:
    """Quiet the board, ``shutdown()``, and check that pymata4's threads ended.

    pymata4's reporter thread busy-waits for the rest of a message, so a message cut off
    by ``shutdown()`` would keep it spinning for ever. Hence reporting is turned off and
    every byte read before the shutdown. Should the thread hang anyway, it is fed a
    message end (its error on those made-up bytes is not reported) and the test fails.
    """
    for port in range(3):
        board.disable_digital_reporting(port * 8)
    board.set_sampling_interval(0x3FFF)  # the longest interval: no analog report for 16 s
    wait_until_drained(board)
    board.shutdown()
    threads = (board.the_reporter_thread, board.the_data_receive_thread)
    for thread in threads:
        thread.join(2)
    stuck = board.the_reporter_thread.is_alive()
    if stuck:
        hook, threading.excepthook = threading.excepthook, lambda args: None
        try:
            board.the_deque.extend([0, 0, 0, END_SYSEX])
            board.the_reporter_thread.join(2)
        finally:
            threading.excepthook = hook
    assert not stuck, "pymata4's reporter thread hung on a half-received message"
    assert not any(thread.is_alive() for thread in threads), "pymata4's threads did not stop"


def wait_until_drained(board: Pymata4, quiet: float = 0.1, timeout: float = 3.0) -> None:
    """Wait until pymata4 has read and handled every byte, with nothing new for ``quiet`` s."""
    deadline = time.monotonic() + timeout
    last_busy = time.monotonic()
    while time.monotonic() - last_busy < quiet:
        assert time.monotonic() < deadline, "the board kept sending after reporting was off"
        if board.the_deque or board.serial_port.in_waiting:
            last_busy = time.monotonic()
        time.sleep(0.005)


def capability_report(board: Pymata4, timeout: float = 5.0) -> list[int]:
    """pymata4's ``get_capability_report()``, which waits forever, with a time limit."""
    answer: list[list[int]] = []
    thread = threading.Thread(target=lambda: answer.append(board.get_capability_report()))
    thread.start()
    thread.join(timeout)
    if thread.is_alive():  # release it before failing
        board.query_reply_data[PrivateConstants.CAPABILITY_RESPONSE] = []
        thread.join()
    assert answer and answer[0], "no capability report from the board"
    return answer[0]


def test_pyfirmata2_blinks_switches_turns_and_reads_the_breadboard(pty_uno):
    uno, path = pty_uno()
    room = uno.world.room
    board = pyfirmata2.Arduino(path)  # waits 5 s for the reset, as with a real Uno
    try:
        assert board.get_firmata_version() == (2, 5)
        assert (board.firmware, board.firmware_version) == ("StandardFirmata.ino", (2, 5))
        board.samplingOn()

        led = board.get_pin("d:13:o")
        led.write(1)
        assert eventually(lambda: uno.parts["builtin"].is_lit)
        led.write(0)
        assert eventually(lambda: not uno.parts["builtin"].is_lit)

        board.get_pin("d:7:o").write(1)
        assert eventually(lambda: uno.parts["heater"].is_on)

        board.get_pin("d:9:s").write(135)
        assert eventually(lambda: uno.parts["servo"].angle == 135)

        light: list[float] = []
        board.analog[0].register_callback(light.append)
        board.analog[0].enable_reporting()
        assert eventually(lambda: light)
        dark = light[-1]
        room.set_lamp("test", True)
        assert eventually(lambda: light[-1] > dark + 0.3)

        button: list[bool] = []
        board.digital[3].register_callback(button.append)
        board.digital[3].mode = pyfirmata2.INPUT_PULLUP
        assert eventually(lambda: button and button[-1] is True)
        uno.parts["button"].press()
        assert eventually(lambda: button[-1] is False)
    finally:
        board.exit()


def test_pymata4_blinks_switches_turns_and_reads_the_breadboard(pty_uno):
    uno, path = pty_uno()
    # The board answers about 2.6 s after the reset (boot, then the version blink); pymata4
    # waits arduino_wait seconds, then up to 4 s more for the firmware report.
    with pymata4_board(path, baud_rate=57600, arduino_wait=1) as board:
        assert board.get_firmware_version() == "2.5 StandardFirmata.ino"
        assert board.get_protocol_version() == "2.5"
        pins = decode_capabilities(capability_report(board))
        assert [pin for pin, modes in enumerate(pins) if 3 in modes] == [3, 5, 6, 9, 10, 11]
        assert (len(board.digital_pins), len(board.analog_pins)) == (20, 6)

        board.set_pin_mode_digital_output(13)
        board.digital_write(13, 1)
        assert eventually(lambda: uno.parts["builtin"].is_lit)
        board.digital_write(13, 0)
        assert eventually(lambda: not uno.parts["builtin"].is_lit)

        board.set_pin_mode_servo(9)
        board.servo_write(9, 45)
        assert eventually(lambda: uno.parts["servo"].angle == 45)

        light: list[int] = []
        board.set_pin_mode_analog_input(0, callback=lambda data: light.append(data[2]))
        assert eventually(lambda: light)
        dark = light[-1]
        board.set_pin_mode_digital_output(8)  # the lamp's relay: the room gets brighter
        board.digital_pin_write(8, 1)
        assert eventually(lambda: uno.parts["lamp"].is_on)
        assert eventually(lambda: light[-1] > dark + 300)

        button: list[int] = []
        board.set_pin_mode_digital_input_pullup(3, callback=lambda data: button.append(data[2]))
        assert eventually(lambda: button and button[-1] == 1)
        uno.parts["button"].press()
        assert eventually(lambda: button[-1] == 0)


def test_pymata4_finds_the_express_flavour_at_its_default_baud(pty_uno):
    uno, path = pty_uno(express="1")
    # baud_rate 115200 is pymata4's default: it asks ARE_YOU_THERE and checks the instance id
    with pymata4_board(path, arduino_wait=2) as board:
        assert board.get_firmware_version() == "1.2 FirmataExpress.ino"
        board.set_pin_mode_digital_output(5)
        board.digital_write(5, 1)
        assert eventually(lambda: uno.parts["led"].is_lit)
        board.set_pin_mode_tone(11)
        board.play_tone_continuously(11, 440)
        assert eventually(lambda: uno.parts["buzzer"].frequency == 440)
