"""The parts: sensors and actuators that sit on a board's pins and live in the room.

Every part belongs to a :class:`~simulators.world.World` (its clock, its room, its seed).
Boards find parts through their wiring (see :mod:`simulators.uno` and :mod:`simulators.pi`);
tests and notebooks can also reach a part by name, e.g. ``board.parts["button"].press()``.

Input parts tell a pin what level they drive (:meth:`Part.level`: 0, 1, or None when they
do not drive it, so the pull resistor decides) and call their listeners on every change,
which is how a Raspberry Pi sees edges. Output parts take a level or a PWM duty cycle.

Sensors take fault options (:class:`Faults`): noise, drift, a stuck value, dropouts.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from .errors import ChecksumError, ConfigError, SensorReadError, SensorTimeoutError

if TYPE_CHECKING:
    from .world import World

__all__ = [
    "Faults",
    "Part",
    "DHT22",
    "Photoresistor",
    "Button",
    "PIRSensor",
    "Potentiometer",
    "LED",
    "Relay",
    "Servo",
    "Buzzer",
    "PARTS",
    "make_part",
]


@dataclass(frozen=True)
class Faults:
    """What can go wrong with a sensor. All off by default.

    :param noise: standard deviation of random noise added to each reading (in the
        reading's unit: °C and %RH for a DHT22, ADC counts for analog parts).
    :param drift: how far readings wander off per simulated hour (same unit).
    :param stuck: a value every reading returns, or True to freeze the first reading.
    :param dropout: probability (0 to 1) that a read gets no answer at all.
    """

    noise: float = 0.0
    drift: float = 0.0
    stuck: float | bool | None = None
    dropout: float = 0.0

    def __post_init__(self) -> None:
        if self.noise < 0 or not 0 <= self.dropout <= 1:
            raise ConfigError(f"bad faults: {self}")

    @classmethod
    def coerce(cls, value: Faults | dict[str, Any] | None) -> Faults:
        """Accept a Faults, a dict of its fields, or None."""
        if value is None:
            return cls()
        if isinstance(value, Faults):
            return value
        try:
            return cls(**value)
        except TypeError as exc:
            raise ConfigError(f"unknown fault option: {exc}") from None


class Part:
    """Base class of every part. Subclasses set :attr:`kind` and override the methods of
    their role: inputs override :meth:`level` (and call :meth:`_changed`), analog inputs
    :meth:`analog`, outputs :meth:`write` and, if they take PWM, :meth:`write_pwm`."""

    kind: ClassVar[str] = "part"
    #: "input", "analog", "output" or "sensor" (a part with its own protocol, the DHT22)
    role: ClassVar[str] = "output"

    def __init__(self, world: World, name: str, *, faults: Faults | dict | None = None) -> None:
        self.world = world
        self.clock = world.clock
        self.room = world.room
        self.name = name
        self.faults = Faults.coerce(faults)
        self.rng = world.clock.rng(f"part/{name}")
        self._born_us = world.clock.now_us
        self._frozen: Any = None
        self._listeners: list[Callable[[Part], None]] = []

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    # inputs
    def level(self) -> int | None:
        """The level the part drives on its pin: 0, 1, or None (not driving)."""
        return None

    def analog(self) -> int:
        """The 10-bit value (0 to 1023) an ADC reads from this part."""
        return 0

    def add_listener(self, callback: Callable[[Part], None]) -> None:
        """Call ``callback(part)`` whenever :meth:`level` may have changed."""
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[Part], None]) -> None:
        """Stop calling ``callback``."""
        if callback in self._listeners:
            self._listeners.remove(callback)

    def _changed(self) -> None:
        for callback in list(self._listeners):
            callback(self)

    # outputs
    def write(self, level: int) -> None:
        """A digital level arrives from the board (outputs override this)."""

    def write_pwm(self, duty: float, frequency: float | None) -> None:
        """A PWM signal arrives: duty cycle 0 to 1 at ``frequency`` Hz."""
        self.write(1 if duty >= 0.5 else 0)

    # faults
    def _apply_faults(self, value: float, *, first: bool = True) -> float:
        """Pass one true reading through the fault options (``first``: the reading that
        decides dropouts and takes a numeric ``stuck``; a DHT22's humidity is not first)."""
        f = self.faults
        if first and f.dropout and self.rng.random() < f.dropout:
            raise SensorTimeoutError(f"{self.name}: no answer from the sensor")
        if f.stuck is not None and f.stuck is not False:
            if f.stuck is True:
                if self._frozen is None:
                    self._frozen = value
                return self._frozen
            if first:
                return float(f.stuck)
        if f.drift:
            value += f.drift * (self.clock.now_us - self._born_us) / 3_600_000_000
        if f.noise:
            value += self.rng.gauss(0.0, f.noise)
        return value


class DHT22(Part):
    """DHT22 (AM2302): a temperature and humidity sensor with a one-wire protocol.

    Wiring: VCC to 5 V (or 3.3 V), GND to GND, DATA to a digital pin with a 10 kΩ
    pull-up (the Uno's default board puts it on D2, the Pi's on GPIO23). It answers with
    40 bits: humidity, temperature, checksum. Like the real one it needs **2 seconds
    between reads** (a faster read returns the previous result) and now and then a
    checksum does not add up (:class:`~simulators.errors.ChecksumError`). Resolution 0.1.

    Example::

        dht = world.add_part("dht22", "dht")
        world.clock.advance(2)
        temperature, humidity = dht.read()
    """

    kind = "dht22"
    role = "sensor"
    MIN_INTERVAL_US = 2_000_000

    def __init__(self, world: World, name: str, *, checksum_error_rate: float = 0.02,
                 faults: Faults | dict | None = None) -> None:
        super().__init__(world, name, faults=faults)
        self.checksum_error_rate = checksum_error_rate
        self._last_us: int | None = None
        self._last: tuple[float, float] | SensorReadError | None = None
        self.reads = 0  # real conversations on the wire (not cached answers)

    def read(self) -> tuple[float, float]:
        """Return ``(temperature °C, humidity %RH)`` or raise a :class:`SensorReadError`."""
        now = self.clock.now_us
        if self._last_us is not None and now - self._last_us < self.MIN_INTERVAL_US:
            result = self._last
        else:
            self._last_us = now
            self.reads += 1
            result = self._measure()
            self._last = result
        if isinstance(result, SensorReadError):
            raise result
        assert result is not None
        return result

    def _measure(self) -> tuple[float, float] | SensorReadError:
        try:
            temperature = self._apply_faults(self.room.temperature() + self.rng.gauss(0, 0.1))
            humidity = self._apply_faults(self.room.humidity() + self.rng.gauss(0, 0.3),
                                          first=False)
        except SensorReadError as exc:
            return exc
        if self.rng.random() < self.checksum_error_rate:
            return ChecksumError(f"{self.name}: checksum did not validate")
        humidity = min(100.0, max(0.0, humidity))
        return round(temperature, 1), round(humidity, 1)


class Photoresistor(Part):
    """Photoresistor (LDR) in a voltage divider: more light, higher reading.

    Wiring: LDR from 5 V to an analog pin (A0 on the default Uno), 10 kΩ from that pin to
    GND. ``analogRead`` gives 0 (dark) to 1023 (very bright); the room's daylight and lamp
    set the light. The Pi has no analog inputs, so it lives on the Uno.

    Example::

        ldr = world.add_part("photoresistor", "light")
        world.room.set_lamp("me", True)
        print(ldr.analog())          # brighter than before
    """

    kind = "photoresistor"
    role = "analog"

    def analog(self) -> int:
        lux = max(self.room.light(), 0.01)
        r_ldr = 50_000.0 * (lux / 10.0) ** -0.7  # ohms; a GL5528-like curve
        value = 1023.0 * 10_000.0 / (10_000.0 + r_ldr)
        return int(min(1023, max(0, round(self._apply_faults(value)))))


class Potentiometer(Part):
    """Potentiometer (a knob): a voltage divider you turn by hand.

    Wiring: the outer legs to 5 V and GND, the middle leg (wiper) to an analog pin (A1 on
    the default Uno). :meth:`turn` sets the position from 0.0 to 1.0; ``analogRead`` gives
    0 to 1023.

    Example::

        knob = world.add_part("potentiometer", "knob")
        knob.turn(0.5)
        print(knob.analog())         # 512
    """

    kind = "potentiometer"
    role = "analog"

    def __init__(self, world: World, name: str, *, position: float = 0.5,
                 faults: Faults | dict | None = None) -> None:
        super().__init__(world, name, faults=faults)
        self.position = position

    def turn(self, position: float) -> None:
        """Turn the knob to ``position`` (0.0 fully left to 1.0 fully right)."""
        if not 0.0 <= position <= 1.0:
            raise ConfigError(f"position must be between 0 and 1, not {position}")
        self.position = position

    def analog(self) -> int:
        value = self._apply_faults(self.position * 1023)
        return int(min(1023, max(0, round(value))))


class Button(Part):
    """Push button between a pin and GND: pressed pulls the pin LOW.

    Wiring: one leg to a digital pin (D3 on the default Uno, GPIO2 on the Pi), the other
    to GND; use the internal pull-up (``INPUT_PULLUP`` on the Uno; gpiozero's ``Button``
    does it by default). Like a real contact it **bounces**: each press or release flips
    the pin a few times within a few milliseconds (``bounce=False`` turns that off).

    Example::

        button = world.add_part("button", "button")
        button.press(duration=0.5)   # pressed now, released half a second later
        world.clock.advance(1)
    """

    kind = "button"
    role = "input"

    def __init__(self, world: World, name: str, *, bounce: bool = True,
                 faults: Faults | dict | None = None) -> None:
        super().__init__(world, name, faults=faults)
        self.bounce = bounce
        self.is_pressed = False
        self._contact = False
        self.presses = 0

    def level(self) -> int | None:
        if self.faults.stuck is not None:
            return int(bool(self.faults.stuck))
        return 0 if self._contact else None

    def press(self, duration: float | None = None) -> None:
        """Press the button now; release it after ``duration`` seconds if given."""
        self._set(True)
        if duration is not None:
            self.clock.call_later(duration, self.release)

    def release(self) -> None:
        """Let go of the button."""
        self._set(False)

    def _set(self, pressed: bool) -> None:
        with self.clock.lock:
            if pressed == self.is_pressed:
                return
            self.is_pressed = pressed
            self.presses += pressed
            self._flip(pressed)
            if self.bounce:
                t = self.clock.now_us
                for i in range(2 * self.rng.randint(1, 3)):
                    t += self.rng.randint(200, 1500)
                    self.clock.call_at(t, self._flip, pressed if i % 2 else not pressed)

    def _flip(self, contact: bool) -> None:
        if contact != self._contact:
            self._contact = contact
            self._changed()


class PIRSensor(Part):
    """PIR motion sensor (HC-SR501): its output goes HIGH while someone moves in the room.

    Wiring: VCC to 5 V, GND to GND, OUT to a digital pin (D4 on the default Uno, GPIO4 on
    the Pi). The room decides when people walk by (from the seed);
    ``world.room.trigger_motion(10)`` makes someone walk by now. Faults: ``stuck``
    (0 or 1) holds the output.

    Example::

        pir = world.add_part("pir", "pir")
        world.room.trigger_motion(5)
        print(pir.level())           # 1
    """

    kind = "pir"
    role = "input"

    def __init__(self, world: World, name: str, *, faults: Faults | dict | None = None) -> None:
        super().__init__(world, name, faults=faults)
        self._event = None
        world.room.watch_motion(self._reschedule)

    def level(self) -> int:
        if self.faults.stuck is not None:
            return int(bool(self.faults.stuck))
        return int(self.room.motion())

    def add_listener(self, callback: Callable[[Part], None]) -> None:
        super().add_listener(callback)
        self._reschedule()

    def _reschedule(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        if self._listeners:
            nxt = self.room.next_motion_change(self.clock.now_us)
            if nxt is not None:
                self._event = self.clock.call_at(nxt, self._edge)

    def _edge(self) -> None:
        self._event = None
        self._changed()
        self._reschedule()


class LED(Part):
    """LED with a 220 Ω resistor: on, off, or dimmed with PWM.

    Wiring: the long leg (anode) through 220 Ω to a digital pin, the short leg to GND
    (D13 is the Uno's built-in LED; the default Uno has another on D5, a PWM pin; the Pi's
    is on GPIO17). ``analogWrite`` / gpiozero's ``PWMLED`` set :attr:`brightness` 0 to 1.

    Example::

        led = world.add_part("led", "led")
        led.write(1)
        print(led.is_lit, led.brightness)   # True 1.0
    """

    kind = "led"

    def __init__(self, world: World, name: str, **options: Any) -> None:
        super().__init__(world, name, **options)
        self.brightness = 0.0
        #: (simulated seconds, brightness) for each change, the most recent 10,000
        self.history: deque[tuple[float, float]] = deque(maxlen=10_000)

    @property
    def is_lit(self) -> bool:
        """True while any current flows."""
        return self.brightness > 0

    def write(self, level: int) -> None:
        self._set(1.0 if level else 0.0)

    def write_pwm(self, duty: float, frequency: float | None) -> None:
        self._set(float(duty))

    def _set(self, brightness: float) -> None:
        if brightness != self.brightness:
            self.brightness = brightness
            self.history.append((self.clock.now(), brightness))


class Relay(Part):
    """Relay module: a low-power pin switches a mains load, here the room's heater or lamp.

    Wiring: VCC, GND, IN to a digital pin (the default Uno: heater on D7, lamp on D8; the
    Pi: heater on GPIO27, lamp on GPIO24). Active HIGH. ``load="heater"`` warms the room,
    ``load="lamp"`` lights it, ``load=None`` switches nothing in the model.

    Example::

        heater = world.add_part("relay", "heater", load="heater")
        heater.write(1)
        world.clock.advance(600)     # the room warms up
    """

    kind = "relay"

    def __init__(self, world: World, name: str, *, load: str | None = None, **options: Any):
        super().__init__(world, name, **options)
        if load not in (None, "heater", "lamp"):
            raise ConfigError(f"a relay's load is 'heater', 'lamp' or None, not {load!r}")
        self.load = load
        self.is_on = False
        self.switches = 0

    def write(self, level: int) -> None:
        on = bool(level)
        if on == self.is_on:
            return
        self.is_on = on
        self.switches += 1
        if self.load == "heater":
            self.room.set_heater(self, on)
        elif self.load == "lamp":
            self.room.set_lamp(self, on)


class Servo(Part):
    """Hobby servo (SG90): turns to an angle set by the width of a 50 Hz pulse.

    Wiring: brown to GND, red to 5 V, orange (signal) to a PWM pin (D9 on the default Uno,
    GPIO18 on the Pi). A 1.0 ms pulse is 0°, 1.5 ms is 90°, 2.0 ms is 180° (the range
    gpiozero's ``Servo`` uses; the Uno's ``Servo.write(angle)`` uses the same mapping).

    Example::

        servo = world.add_part("servo", "servo")
        servo.write_pulse(1500)
        print(servo.angle)           # 90.0
    """

    kind = "servo"
    MIN_PULSE_US = 1000.0
    MAX_PULSE_US = 2000.0

    def __init__(self, world: World, name: str, **options: Any) -> None:
        super().__init__(world, name, **options)
        self.angle: float | None = None  # None until the first pulse arrives

    def write_pulse(self, width_us: float) -> None:
        """Receive a pulse of ``width_us`` microseconds (0 stops the pulses)."""
        if width_us <= 0:
            return  # no pulses: the servo holds where it is
        span = self.MAX_PULSE_US - self.MIN_PULSE_US
        fraction = min(1.0, max(0.0, (width_us - self.MIN_PULSE_US) / span))
        self.angle = round(fraction * 180.0, 1)

    def write_pwm(self, duty: float, frequency: float | None) -> None:
        if frequency:
            self.write_pulse(duty / frequency * 1_000_000)

    def write(self, level: int) -> None:
        pass  # a steady level is not a servo signal


class Buzzer(Part):
    """Piezo buzzer: sounds while driven, at a pitch set by ``tone()``.

    Wiring: + to a digital pin (D11 on the default Uno, GPIO22 on the Pi), - to GND.
    ``tone(pin, 440)`` on the Uno (or gpiozero's ``TonalBuzzer``) sets :attr:`frequency`;
    a plain HIGH (gpiozero's ``Buzzer``) makes it sound at its own pitch.

    Example::

        buzzer = world.add_part("buzzer", "buzzer")
        buzzer.tone(440)
        print(buzzer.is_sounding, buzzer.frequency)   # True 440
    """

    kind = "buzzer"

    def __init__(self, world: World, name: str, **options: Any) -> None:
        super().__init__(world, name, **options)
        self.frequency: float | None = None
        self.is_sounding = False
        self.beeps = 0

    def tone(self, frequency: float) -> None:
        """Sound at ``frequency`` Hz."""
        if not self.is_sounding:
            self.beeps += 1
        self.frequency = float(frequency)
        self.is_sounding = True

    def no_tone(self) -> None:
        """Be quiet."""
        self.frequency = None
        self.is_sounding = False

    def write(self, level: int) -> None:
        if level:
            if not self.is_sounding:
                self.beeps += 1
            self.is_sounding = True
        else:
            self.no_tone()

    def write_pwm(self, duty: float, frequency: float | None) -> None:
        if duty > 0 and frequency:
            self.tone(frequency)
        else:
            self.no_tone()


#: Every part kind by name, as used in wiring descriptions and ``python -m simulators list``.
PARTS: dict[str, type[Part]] = {
    cls.kind: cls
    for cls in (DHT22, Photoresistor, Button, PIRSensor, Potentiometer, LED, Relay, Servo, Buzzer)
}


def make_part(world: World, kind: str, name: str, **options: Any) -> Part:
    """Build a part of ``kind`` (a key of :data:`PARTS`) named ``name``."""
    try:
        cls = PARTS[kind]
    except KeyError:
        raise ConfigError(f"unknown part {kind!r}; known parts: {', '.join(PARTS)}") from None
    try:
        return cls(world, name, **options)
    except TypeError as exc:
        raise ConfigError(f"bad options for {kind} {name!r}: {exc}") from None


def is_nan(value: float) -> bool:
    """True for a float NaN (what the Arduino DHT library returns on a failed read)."""
    return isinstance(value, float) and math.isnan(value)

