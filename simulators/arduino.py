"""The Arduino language, in Python: what a sketch imports.

A sketch is a Python file with ``setup()`` and ``loop()``, using the Arduino names::

    from simulators.arduino import *

    def setup():
        pinMode(LED_BUILTIN, OUTPUT)

    def loop():
        digitalWrite(LED_BUILTIN, HIGH)
        delay(1000)
        digitalWrite(LED_BUILTIN, LOW)
        delay(1000)

Every function acts on the board that is running the sketch. Differences from C++:
``Serial.print`` formats Python values (a float with 2 decimals, like Arduino); ``DHT``
returns ``NAN`` on a failed read, test it with ``isnan``; ``Servo`` maps 0-180° to
1000-2000 µs pulses. The sketch's settings arrive in the dict ``PARAMS``.
"""

from __future__ import annotations

import math
import random as _random
from typing import Any

from .errors import SensorReadError
from .parts import DHT22 as _DHT22Part
from .parts import Buzzer as _BuzzerPart
from .parts import Servo as _ServoPart
from .uno import INPUT, INPUT_PULLUP, OUTPUT, running_board

__all__ = [
    "HIGH", "LOW", "INPUT", "OUTPUT", "INPUT_PULLUP", "LED_BUILTIN",
    "A0", "A1", "A2", "A3", "A4", "A5", "DEC", "HEX", "OCT", "BIN", "NAN", "DHT22",
    "pinMode", "digitalWrite", "digitalRead", "analogRead", "analogWrite",
    "millis", "micros", "delay", "delayMicroseconds", "tone", "noTone",
    "map", "constrain", "random", "randomSeed", "isnan",
    "Serial", "DHT", "Servo",
]

HIGH, LOW = 1, 0
LED_BUILTIN = 13
A0, A1, A2, A3, A4, A5 = range(14, 20)
DEC, HEX, OCT, BIN = 10, 16, 8, 2
NAN = math.nan
DHT22 = 22


def _pin(pin: int) -> int:
    if type(pin) is int and 0 <= pin <= 19:  # the usual case: a pin number, nothing to do
        return pin
    number = int(pin)
    if not 0 <= number <= 19:
        raise ValueError(f"the Uno has pins 0-19 (A0-A5 are 14-19), not {pin}")
    return number


def pinMode(pin: int, mode: int) -> None:  # noqa: N802 (Arduino names)
    """Make ``pin`` an ``INPUT``, ``INPUT_PULLUP`` or ``OUTPUT``."""
    running_board().set_mode(_pin(pin), mode)


def digitalWrite(pin: int, value: int) -> None:  # noqa: N802
    """Drive an output ``HIGH`` or ``LOW``."""
    running_board().write_digital(_pin(pin), value)


def digitalRead(pin: int) -> int:  # noqa: N802
    """Read ``HIGH`` (1) or ``LOW`` (0)."""
    # _pin(pin), without a call for a plain pin number: sketches read pins all the time
    return running_board().read_digital(pin if type(pin) is int and 0 <= pin <= 19
                                        else _pin(pin))


def analogRead(pin: int) -> int:  # noqa: N802
    """Read an analog pin: 0 (0 V) to 1023 (5 V). ``analogRead(0)`` means A0."""
    if type(pin) is not int:
        pin = int(pin)
    return running_board().read_analog(pin + 14 if 0 <= pin <= 5 else  # A0-A5 by number
                                       pin if 0 <= pin <= 19 else _pin(pin))  # _pin raises


def analogWrite(pin: int, value: int) -> None:  # noqa: N802
    """PWM output, 0 to 255 (pins 3, 5, 6, 9, 10, 11)."""
    running_board().write_analog(_pin(pin), value)


def millis() -> int:
    """Milliseconds since the sketch started."""
    return running_board().millis()


def micros() -> int:
    """Microseconds since the sketch started."""
    return running_board().micros()


def delay(ms: int) -> None:
    """Wait ``ms`` milliseconds (simulated time; the world keeps running)."""
    if ms > 0:
        running_board().delay_us(int(ms) * 1000)


def delayMicroseconds(us: int) -> None:  # noqa: N802
    """Wait ``us`` microseconds."""
    if us > 0:
        running_board().delay_us(int(us))


def tone(pin: int, frequency: float, duration: int | None = None) -> None:
    """Play a square wave of ``frequency`` Hz on ``pin`` (for ``duration`` ms if given)."""
    board = running_board()
    part = board.part_on(_pin(pin))
    if isinstance(part, _BuzzerPart):
        part.tone(frequency)
        if duration:
            board.clock.call_later(duration / 1000, part.no_tone)


def noTone(pin: int) -> None:  # noqa: N802
    """Stop the tone on ``pin``."""
    part = running_board().part_on(_pin(pin))
    if isinstance(part, _BuzzerPart):
        part.no_tone()


def map(value: int, from_low: int, from_high: int, to_low: int, to_high: int) -> int:  # noqa: A001
    """Re-map ``value`` from one range to another (integer maths, like Arduino)."""
    return int((value - from_low) * (to_high - to_low) / (from_high - from_low) + to_low)


def constrain(value: float, low: float, high: float) -> float:
    """``value`` limited to ``low``..``high``."""
    return low if value < low else high if value > high else value


def random(low: int, high: int | None = None) -> int:  # noqa: A001
    """``random(max)`` or ``random(min, max)``: max excluded. Seeded from the world."""
    rng = _sketch_rng()
    if high is None:
        low, high = 0, low
    return rng.randrange(int(low), int(high))


def randomSeed(seed: int) -> None:  # noqa: N802
    """Re-seed :func:`random`."""
    board = running_board()
    board._sketch_rng = _random.Random(f"{board.world.seed}/{board.name}/sketch/{seed}")


def _sketch_rng() -> _random.Random:
    board = running_board()
    rng = getattr(board, "_sketch_rng", None)
    if rng is None:
        rng = board._sketch_rng = board.clock.rng(f"{board.name}/sketch")
    return rng


def isnan(value: float) -> bool:
    """True for NAN (a failed sensor read)."""
    return isinstance(value, float) and math.isnan(value)


def _format(value: Any, fmt: int | None) -> str:
    if type(value) is str:  # the usual case, text: it prints as it is, whatever fmt says
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        base = fmt or DEC
        if base == DEC:
            return str(value)
        return {HEX: f"{value:X}", OCT: f"{value:o}", BIN: f"{value:b}"}[base]
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return f"{value:.{2 if fmt is None else fmt}f}"
    if isinstance(value, bytes | bytearray):
        return value.decode("latin-1")
    return str(value)


class _Serial:
    """``Serial``: the Uno's hardware serial port, seen from the sketch.

    Bytes arrive from the host at the baud rate into a 64-byte receive buffer: read them
    every ``loop()`` (``while Serial.available(): Serial.read()``) or some are lost.
    """

    def _link(self) -> Any:
        return running_board().serial

    def begin(self, baud: int = 9600) -> None:
        """Start the port at ``baud`` (the host must open it at the same rate)."""
        self._link().begin(baud)

    def end(self) -> None:
        """Stop the port."""
        self._link().end()

    def __bool__(self) -> bool:
        return True  # `while (!Serial)` is for boards with native USB

    def print(self, value: Any = "", fmt: int | None = None) -> int:
        """Send ``value`` as text; returns the number of bytes sent."""
        text = value if type(value) is str else _format(value, fmt)  # text prints as it is
        data = text.encode("utf-8", "replace")
        running_board().serial.board_write(data)  # self._link(), one call less per print
        return len(data)

    def println(self, value: Any = "", fmt: int | None = None) -> int:
        """Send ``value`` as text, then ``\\r\\n``."""
        text = value if type(value) is str else _format(value, fmt)  # text prints as it is
        data = text.encode("utf-8", "replace") + b"\r\n"
        running_board().serial.board_write(data)  # self._link(), one call less per print
        return len(data)

    def write(self, data: int | bytes | str) -> int:
        """Send raw bytes (an int sends one byte)."""
        if isinstance(data, int):
            data = bytes([data & 0xFF])
        elif isinstance(data, str):
            data = data.encode("utf-8")
        self._link().board_write(bytes(data))
        return len(data)

    def available(self) -> int:
        """How many received bytes are waiting (at most 64)."""
        return len(self._link().settle_board())

    def availableForWrite(self) -> int:  # noqa: N802
        """Free space in the 64-byte transmit buffer."""
        return self._link().tx_room()

    def read(self) -> int:
        """The next received byte, or -1 if there is none."""
        rx = self._link().settle_board()
        if not rx:
            return -1
        byte = rx[0]
        del rx[0]
        return byte

    def peek(self) -> int:
        """The next received byte without taking it, or -1."""
        rx = self._link().settle_board()
        return rx[0] if rx else -1

    def setTimeout(self, ms: int) -> None:  # noqa: N802
        """How long ``readString*`` wait for the next byte (default 1000 ms)."""
        running_board()._serial_timeout_ms = int(ms)

    def readStringUntil(self, terminator: str) -> str:  # noqa: N802
        """Read up to ``terminator`` (not included), or what came before the timeout.

        Like Arduino's ``Stream``: bytes are taken as they arrive (so a long line does not
        overflow the 64-byte buffer), and it gives up when no byte comes for the timeout.
        """
        board = running_board()
        link = board.serial
        term = terminator.encode("latin-1")[:1]
        got = bytearray()
        while True:
            rx = link.settle_board(limit=None)
            index = rx.find(term)
            if index >= 0:
                got += rx[:index]
                del rx[: index + 1]
                return got.decode("utf-8", "replace")
            got += rx
            rx.clear()
            if not _await_input(board, link, term):
                return got.decode("utf-8", "replace")

    def readString(self) -> str:  # noqa: N802
        """Read everything that arrives until no byte comes for the timeout."""
        board = running_board()
        link = board.serial
        got = bytearray()
        while True:
            rx = link.settle_board(limit=None)
            got += rx
            rx.clear()
            if not _await_input(board, link, None):
                return got.decode("utf-8", "replace")

    def flush(self) -> None:
        """Wait until every byte has been sent."""
        board = running_board()
        board.delay_us(board.serial.flush_us())


def _await_input(board: Any, link: Any, until: bytes | None) -> bool:
    """Inside a sketch: wait for more input, like Arduino's ``Stream::timedRead()``.

    Waits until ``until`` (or else the last byte on its way) has arrived; if nothing is on
    its way, until the host writes something. False when no byte came within the timeout.
    """
    timeout_us = getattr(board, "_serial_timeout_ms", 1000) * 1000
    wire = link.to_board
    if not wire.size:
        written = link.written
        return board.wait_until(lambda: link.written != written, timeout_us)
    now = board.clock.now_us
    if wire.due_us(0) - now > timeout_us:
        board.delay_us(timeout_us)  # nothing arrives in time (a slow baud rate)
        return False
    index = wire.find(until) if until else -1
    board.delay_us(max(0, wire.due_us(index if index >= 0 else len(wire) - 1) - now))
    return True


Serial = _Serial()


class DHT:
    """The Adafruit "DHT sensor library" for Arduino: ``DHT dht(2, DHT22);``.

    ``readTemperature()`` and ``readHumidity()`` return ``NAN`` when the read fails. Like
    the real library, a read within 2 s of the last one does not talk to the sensor (it
    needs 2 s between conversations): it returns the last result, so
    ``readTemperature()`` then ``readHumidity()`` is one conversation, not two.
    """

    MIN_INTERVAL_US = 2_000_000

    def __init__(self, pin: int, kind: int = DHT22) -> None:
        self.pin = _pin(pin)
        self.kind = kind
        self._last_us: int | None = None  # when the library last talked to the sensor
        self._last: tuple[float, float] = (NAN, NAN)

    def begin(self) -> None:
        """Start the sensor (nothing to do in the simulation)."""

    def _read(self, index: int) -> float:
        board = running_board()
        now = board.clock.now_us
        if self._last_us is None or now - self._last_us >= self.MIN_INTERVAL_US:
            self._last_us = now
            self._last = self._converse(board)
        return self._last[index]

    def _converse(self, board: Any) -> tuple[float, float]:
        """One conversation with the sensor on the pin: (temperature, humidity) or NANs."""
        part = board.pin_parts.get(self.pin)  # board.part_on(), one call less
        if not isinstance(part, _DHT22Part):
            return (NAN, NAN)  # nothing answers on this pin
        try:
            temperature, humidity = part.read()
        except SensorReadError:
            return (NAN, NAN)
        return (float(temperature), float(humidity))

    def readTemperature(self, fahrenheit: bool = False) -> float:  # noqa: N802
        """Temperature in °C (or °F), or NAN."""
        value = self._read(0)
        return value * 9 / 5 + 32 if fahrenheit else value

    def readHumidity(self) -> float:  # noqa: N802
        """Relative humidity in %, or NAN."""
        return self._read(1)


class Servo:
    """The Arduino Servo library: ``attach(pin)``, ``write(angle)``, ``read()``."""

    def __init__(self) -> None:
        self.pin: int | None = None
        self.angle = 90

    def attach(self, pin: int) -> None:
        """Start sending pulses on ``pin``."""
        self.pin = _pin(pin)
        running_board().set_mode(self.pin, OUTPUT)

    def detach(self) -> None:
        """Stop sending pulses."""
        self.pin = None

    def attached(self) -> bool:
        """True while attached to a pin."""
        return self.pin is not None

    def write(self, angle: float) -> None:
        """Turn to ``angle`` degrees (0 to 180)."""
        self.angle = int(constrain(angle, 0, 180))
        self.writeMicroseconds(1000 + self.angle * 1000 / 180)

    def writeMicroseconds(self, us: float) -> None:  # noqa: N802
        """Send pulses ``us`` microseconds wide."""
        if self.pin is None:
            return
        part = running_board().part_on(self.pin)
        if isinstance(part, _ServoPart):
            part.write_pulse(us)

    def read(self) -> int:
        """The last angle written."""
        return self.angle


