"""The parts: sensors and actuators that sit on a board's pins and live in the room.

Every part belongs to a :class:`~simulators.world.World` (its clock, its room, its seed).
Boards find parts through their wiring (see :mod:`simulators.uno` and :mod:`simulators.pi`);
tests and notebooks can also reach a part by name, e.g. ``board.parts["button"].press()``.

Input parts tell a pin what level they drive (:meth:`Part.level`: 0, 1, or None when they
do not drive it, so the pull resistor decides) and call their listeners on every change,
which is how a Raspberry Pi sees edges. Output parts take a level or a PWM duty cycle.
Analog parts give a voltage (:meth:`Part.voltage`), read by an Uno's analog pins or by an
MCP3008 converter on the Pi's SPI bus.

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
    "TMP36",
    "LDRCapacitor",
    "HCSR04",
    "MCP3008",
    "PARTS",
    "make_part",
]


@dataclass(frozen=True)
class Faults:
    """What can go wrong with a sensor. All off by default.

    :param noise: standard deviation of random noise added to each reading (in the
        reading's unit: °C and %RH for a DHT22, °C for a TMP36, metres for an HC-SR04,
        lux for a light sensor, ADC counts for the other analog parts).
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

    @property
    def active(self) -> bool:
        """True when any fault is on (else :meth:`Part._apply_faults` changes nothing)."""
        return bool(self.noise or self.drift or self.dropout
                    or (self.stuck is not None and self.stuck is not False))

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
    :meth:`analog` (and :meth:`voltage` if they are not a simple voltage divider), outputs
    :meth:`write` and, if they take PWM, :meth:`write_pwm`."""

    kind: ClassVar[str] = "part"
    #: "input", "analog", "output", "sensor" (a part with its own protocol, the DHT22) or
    #: "spi" (a chip on the Pi's SPI bus, the MCP3008)
    role: ClassVar[str] = "output"
    #: How messages name this kind of part ("an LED", "a relay").
    title: ClassVar[str] = "a part"
    #: Pins the part uses besides the one it is wired on, by the option that names them:
    #: the HC-SR04 is wired on its ECHO pin and names its TRIG pin with ``trigger``.
    extra_pins: ClassVar[tuple[str, ...]] = ()
    #: The name of the pin the part is wired on, for parts with several ("echo").
    main_pin: ClassVar[str] = ""

    def __init__(self, world: World, name: str, *, faults: Faults | dict | None = None) -> None:
        self.world = world
        self.clock = world.clock
        self.room = world.room
        self.name = name
        self.faults = Faults.coerce(faults)
        #: ``faults.active``, kept: a sensor without faults skips :meth:`_apply_faults`.
        self._faulty = self.faults.active
        self.rng = world.clock.rng(f"part/{name}")
        self._born_us = world.clock.now_us
        self._frozen: Any = None
        self._listeners: list[Callable[[Part], None]] = []
        #: When the level last changed (simulated µs): listeners stamp their edges with it.
        self.changed_at_us = self._born_us

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    # inputs
    def level(self) -> int | None:
        """The level the part drives on its pin: 0, 1, or None (not driving)."""
        return None

    def analog(self) -> int:
        """The 10-bit value (0 to 1023) an Uno's ADC (5 V reference) reads from this part."""
        return 0

    def voltage(self, supply: float) -> float:
        """The voltage on the part's signal pin when it is powered from ``supply`` volts.

        Most analog parts are voltage dividers: their output is a fraction of the supply,
        the fraction :meth:`analog` reads (so a knob at half way gives half of 3.3 V on a
        Pi's MCP3008 and half of 5 V on an Uno). A sensor with an absolute output (the
        TMP36) overrides this.
        """
        return self.analog() / 1023 * supply

    def add_listener(self, callback: Callable[[Part], None]) -> None:
        """Call ``callback(part)`` whenever :meth:`level` may have changed."""
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[Part], None]) -> None:
        """Stop calling ``callback``."""
        if callback in self._listeners:
            self._listeners.remove(callback)

    def _changed(self, at_us: int | None = None) -> None:
        """Tell the listeners that :meth:`level` changed, at simulated time ``at_us``
        (default: now; a scheduled change passes the time it was scheduled for, which a
        realtime clock may run a little late)."""
        self.changed_at_us = self.clock.now_us if at_us is None else at_us
        for callback in list(self._listeners):
            callback(self)

    def _change_at(self, at_us: int, change: Callable[[], None]) -> Any:
        """Run ``change()`` at simulated time ``at_us``, then tell the listeners.

        On a realtime clock the clock's thread runs it when it falls due (the returned
        event can cancel it). On a virtual clock time moves only while someone waits, and
        gpiozero times a light sensor or a distance sensor from its own background thread,
        which waits in wall time and cannot move the clock: so the change happens at once,
        stamped with ``at_us``, and gpiozero measures the exact simulated duration.
        """
        if self.clock.virtual:
            change()
            self._changed(at_us)
            return None

        def run() -> None:
            change()
            self._changed(at_us)

        return self.clock.call_at(at_us, run)

    # outputs
    def write(self, level: int) -> None:
        """A digital level arrives from the board (outputs override this)."""

    def write_pwm(self, duty: float, frequency: float | None) -> None:
        """A PWM signal arrives: duty cycle 0 to 1 at ``frequency`` Hz."""
        self.write(1 if duty >= 0.5 else 0)

    def pin_released(self) -> None:
        """The board stopped driving the pin (it became an input). For an output part
        that is as good as LOW: a floating pin switches nothing."""
        self.write(0)

    def write_extra(self, pin: str, level: int) -> None:
        """A level arrives on one of :attr:`extra_pins` (``"trigger"``)."""

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
    title = "a DHT22 sensor"
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
        if type(result) is tuple:  # the usual case: the two values
            return result
        assert isinstance(result, SensorReadError)
        raise result

    def _measure(self) -> tuple[float, float] | SensorReadError:
        if self._faulty:  # (the faults draw from self.rng too: the order matters)
            try:
                temperature = self._apply_faults(self.room.temperature()
                                                 + self.rng.gauss(0, 0.1))
                humidity = self._apply_faults(self.room.humidity() + self.rng.gauss(0, 0.3),
                                              first=False)
            except SensorReadError as exc:
                return exc
        else:
            temperature = self.room.temperature() + self.rng.gauss(0, 0.1)
            humidity = self.room.humidity() + self.rng.gauss(0, 0.3)
        if self.rng.random() < self.checksum_error_rate:
            return ChecksumError(f"{self.name}: checksum did not validate")
        # min(100.0, max(0.0, humidity)), spelt out (a NaN still becomes 0.0)
        humidity = humidity if humidity > 0.0 else 0.0
        humidity = humidity if humidity < 100.0 else 100.0
        return round(temperature, 1), round(humidity, 1)


class Photoresistor(Part):
    """Photoresistor (LDR) in a voltage divider: more light, higher reading.

    Wiring: LDR from 5 V to an analog pin (A0 on the default Uno), 10 kΩ from that pin to
    GND. ``analogRead`` gives 0 (dark) to 1023 (very bright); the room's daylight and lamp
    set the light. The Pi has no analog inputs: there it sits on a channel of an
    :class:`MCP3008` (powered from 3.3 V; gpiozero's ``MCP3008(channel=1).value`` is the
    same fraction). On a Pi GPIO pin use an :class:`LDRCapacitor` instead.

    Example::

        ldr = world.add_part("photoresistor", "light")
        world.room.set_lamp("me", True)
        print(ldr.analog())          # brighter than before
    """

    kind = "photoresistor"
    role = "analog"
    title = "a photoresistor"

    def analog(self) -> int:
        value = 1023.0 * 10_000.0 / (10_000.0 + ldr_resistance(self.room.light()))
        if self._faulty:
            value = self._apply_faults(value)
        value = round(value)
        return 0 if value < 0 else 1023 if value > 1023 else value  # the ADC's 10 bits


class Potentiometer(Part):
    """Potentiometer (a knob): a voltage divider you turn by hand.

    Wiring: the outer legs to 5 V and GND, the middle leg (wiper) to an analog pin (A1 on
    the default Uno; on the Pi, the outer legs to 3.3 V and GND and the wiper to a channel
    of an :class:`MCP3008`). :meth:`turn` sets the position from 0.0 to 1.0;
    ``analogRead`` gives 0 to 1023, gpiozero's ``MCP3008(channel=0).value`` 0.0 to 1.0.

    Example::

        knob = world.add_part("potentiometer", "knob")
        knob.turn(0.5)
        print(knob.analog())         # 512
    """

    kind = "potentiometer"
    role = "analog"
    title = "a potentiometer"

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
    does it by default). Some boards wire the other leg to 3.3 V instead, so a press reads
    HIGH (``wired_to="3V3"``, read with gpiozero's ``Button(pin, pull_up=False)``).

    Like a real tactile switch it sometimes **bounces**: when the contact closes or opens,
    it may flip back and forth once or twice more within about 3 ms before it settles.
    ``bounce_chance`` is how often that happens (0.1: one contact change in ten), so
    gpiozero's ``Button`` with its default ``bounce_time=None`` usually counts one press
    per press and now and then two, like on a real Pi; ``bounce_time=0.05`` filters the
    bounces out. ``bounce_chance=1`` makes every change bounce (for a lesson on
    debouncing); ``bounce=False`` gives exactly one edge per change (for exact tests).

    Example::

        button = world.add_part("button", "button")
        button.press(duration=0.5)   # pressed now, released half a second later
        world.clock.advance(1)
    """

    kind = "button"
    role = "input"
    title = "a button"
    #: Longest gap between two bounces (µs); two pairs at most, so a bounce ends within 3.2 ms.
    BOUNCE_GAP_US = (100, 800)

    def __init__(self, world: World, name: str, *, bounce: bool = True,
                 bounce_chance: float = 0.1, wired_to: str = "GND",
                 faults: Faults | dict | None = None) -> None:
        super().__init__(world, name, faults=faults)
        if not 0.0 <= bounce_chance <= 1.0:
            raise ConfigError(f"bounce_chance must be between 0 and 1, not {bounce_chance}")
        if wired_to not in ("GND", "3V3"):
            raise ConfigError(f'a button is wired to "GND" or "3V3", not {wired_to!r}')
        self.wired_to = wired_to
        self.bounce = bounce
        self.bounce_chance = bounce_chance
        self.is_pressed = False
        self._contact = False
        self.presses = 0

    def level(self) -> int | None:
        if self.faults.stuck is not None:
            return int(bool(self.faults.stuck))
        if not self._contact:
            return None  # open: the pull resistor decides
        return 0 if self.wired_to == "GND" else 1

    def press(self, duration: float | None = None) -> None:
        """Press the button now; release it after ``duration`` seconds if given."""
        self._set(True)
        if duration is not None:
            self.clock.call_later(duration, self.release)

    def release(self) -> None:
        """Let go of the button."""
        self._set(False)

    def _set(self, pressed: bool) -> None:
        with self.clock.hold():
            if pressed == self.is_pressed:
                return
            self.is_pressed = pressed
            self.presses += pressed
            self._flip(pressed, self.clock.now_us)
            if self.bounce and self.rng.random() < self.bounce_chance:
                self._bounce(pressed)

    def _bounce(self, pressed: bool) -> None:
        """The contact springs back once (or, one time in three, twice) before it settles."""
        t = self.clock.now_us
        for i in range(2 * self.rng.choice((1, 1, 2))):
            t += self.rng.randint(*self.BOUNCE_GAP_US)
            self.clock.call_at(t, self._flip, pressed if i % 2 else not pressed, t)

    def _flip(self, contact: bool, at_us: int) -> None:
        if contact != self._contact:
            self._contact = contact
            self._changed(at_us)


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
    title = "a PIR motion sensor"

    def __init__(self, world: World, name: str, *, faults: Faults | dict | None = None) -> None:
        super().__init__(world, name, faults=faults)
        self._event = None
        world.room.watch_motion(self._motion_set_by_hand)

    def level(self) -> int:
        if self.faults.stuck is not None:
            return int(bool(self.faults.stuck))
        return 1 if self.room.motion() else 0

    def add_listener(self, callback: Callable[[Part], None]) -> None:
        super().add_listener(callback)
        self._level_heard = self.level()
        self._reschedule()

    def _reschedule(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        if self._listeners:
            nxt = self.room.next_motion_change(self.clock.now_us)
            if nxt is not None:
                self._event = self.clock.call_at(nxt, self._edge, nxt)

    def _edge(self, at_us: int) -> None:
        self._event = None
        self._changed(at_us)
        self._reschedule()

    def _motion_set_by_hand(self) -> None:
        """Someone was made to walk by (``room.trigger_motion``): the output may rise now,
        which listeners (gpiozero's edge detection, interrupts) must hear; then wait for
        the next change."""
        if self._listeners and self.level() != self._level_heard:
            self._changed(self.clock.now_us)
        self._reschedule()

    def _changed(self, at_us: int | None = None) -> None:
        self._level_heard = self.level()
        super()._changed(at_us)


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
    title = "an LED"

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
    title = "a relay"

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
    title = "a servo"
    MIN_PULSE_US = 1000.0
    MAX_PULSE_US = 2000.0

    def __init__(self, world: World, name: str, **options: Any) -> None:
        super().__init__(world, name, **options)
        self.angle: float | None = None  # None until the first pulse arrives
        #: (simulated seconds, angle) for each move, the most recent 10,000
        self.history: deque[tuple[float, float]] = deque(maxlen=10_000)

    def write_pulse(self, width_us: float) -> None:
        """Receive a pulse of ``width_us`` microseconds (0 stops the pulses)."""
        if width_us <= 0:
            return  # no pulses: the servo holds where it is
        span = self.MAX_PULSE_US - self.MIN_PULSE_US
        fraction = min(1.0, max(0.0, (width_us - self.MIN_PULSE_US) / span))
        angle = round(fraction * 180.0, 1)
        if angle != self.angle:
            self.angle = angle
            self.history.append((self.clock.now(), angle))

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
    title = "a buzzer"

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


class TMP36(Part):
    """TMP36: an analog temperature sensor whose output is 500 mV plus 10 mV per °C.

    Wiring: flat side towards you, the left leg to the supply (2.7 to 5.5 V), the middle
    leg (Vout) to an analog input, the right leg to GND. On the Pi, Vout goes to a
    channel of an :class:`MCP3008`: gpiozero's thermometer recipe turns
    ``MCP3008(channel=0).value`` into °C with ``(value * 3.3 - 0.5) * 100``. On an Uno,
    ``analogRead`` × 5000 / 1024 is the voltage in mV. It reads the room's temperature
    (-40 to 125 °C); faults are in °C.

    Example::

        tmp = world.add_part("tmp36", "thermometer")
        print(tmp.voltage(3.3))      # 0.69 V at 19 °C
    """

    kind = "tmp36"
    role = "analog"
    title = "a TMP36 temperature sensor"

    def temperature(self) -> float:
        """The temperature the sensor is at (°C), faults applied, within its range."""
        return min(125.0, max(-40.0, self._apply_faults(self.room.temperature())))

    def voltage(self, supply: float) -> float:
        # Absolute, not a fraction of the supply: the same 0.69 V on 3.3 V and on 5 V.
        return min(supply, 0.5 + 0.01 * self.temperature())

    def analog(self) -> int:
        return min(1023, int(self.voltage(5.0) * 1024 / 5.0))


def ldr_resistance(lux: float) -> float:
    """A photoresistor's resistance in ohms at ``lux``: 50 kΩ at 10 lux, falling with
    light along a GL5528-like curve (about 3 kΩ in daylight)."""
    return 50_000.0 * ((0.01 if 0.01 > lux else lux) / 10.0) ** -0.7  # max(lux, 0.01)


class LDRCapacitor(Part):
    """Light sensor for a GPIO pin: a photoresistor (LDR) charging a 1 µF capacitor, the
    circuit gpiozero's ``LightSensor`` reads.

    Wiring: the LDR from 3.3 V to a GPIO pin (GPIO18 in gpiozero's recipes), a 1 µF
    capacitor from that pin to GND. The Pi has no analog inputs, so gpiozero times the
    capacitor: it drives the pin LOW to empty it, makes the pin an input and waits for it
    to read HIGH (above about 1.6 V). The brighter the room, the lower the LDR's
    resistance and the sooner that happens: about 2 ms in daylight, 3 ms under the lamp
    alone, more than 10 ms (gpiozero's limit, which it reads as dark) below about 60 lux.
    Faults are in lux.

    Example::

        sensor = world.add_part("light_sensor", "light")
        print(sensor.charge_time())   # seconds until the pin reads HIGH in this light
    """

    kind = "light_sensor"
    role = "input"
    title = "a light sensor (an LDR and a capacitor)"
    #: Charging to 1.6 V of 3.3 V takes ln(3.3 / 1.7) time constants (R × C).
    TIME_CONSTANTS = math.log(3.3 / (3.3 - 1.6))

    def __init__(self, world: World, name: str, *, capacitance: float = 1e-6,
                 faults: Faults | dict | None = None) -> None:
        super().__init__(world, name, faults=faults)
        if not capacitance > 0:
            raise ConfigError(f"capacitance must be positive (farads), not {capacitance}")
        self.capacitance = capacitance
        self._charged = False
        self._event: Any = None

    def charge_time(self) -> float:
        """Seconds from letting go of the pin until it reads HIGH, in the room's light now."""
        lux = max(0.0, self._apply_faults(self.room.light()))
        return ldr_resistance(lux) * self.capacitance * self.TIME_CONSTANTS

    def level(self) -> int:
        return 1 if self._charged else 0

    def write(self, level: int) -> None:
        # The pin drives the capacitor: LOW empties it at once, HIGH fills it.
        self._cancel()
        charged = bool(level)
        if charged != self._charged:
            self._charged = charged
            self._changed()

    def pin_released(self) -> None:
        # The pin became an input: the LDR starts charging the capacitor.
        self._cancel()
        if not self._charged:
            at_us = self.clock.now_us + max(1, round(self.charge_time() * 1_000_000))
            self._event = self._change_at(at_us, self._fill)

    def _fill(self) -> None:
        self._event = None
        self._charged = True

    def _cancel(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None


class HCSR04(Part):
    """HC-SR04 ultrasonic distance sensor: a pulse on TRIG sends a ping, then ECHO stays
    HIGH for as long as the sound takes to reach the nearest object and come back.

    Wiring: VCC to 5 V, GND to GND, TRIG to a GPIO pin, ECHO through a voltage divider
    (330 Ω and 470 Ω, so the Pi sees 3 V) to another GPIO pin; gpiozero's recipes use
    ``DistanceSensor(23, 24)``: ECHO on GPIO23, TRIG on GPIO24. In a wiring the part sits
    on its ECHO pin and names its TRIG pin:
    ``GPIO23 = { part = "hcsr04", name = "distance", trigger = "GPIO24" }``.

    When TRIG falls (after the 10 µs pulse gpiozero sends), ECHO rises 250 µs later and
    stays HIGH for distance × 2 / 343 m/s: about 5.8 ms per metre. It measures 2 cm to
    4 m; with nothing in range the echo lasts 38 ms. A trigger that comes while it still
    listens for the last echo is ignored. Set :attr:`distance` (metres) or give a
    ``schedule`` of ``[seconds, metres]`` steps; faults are in metres (a dropout: no echo).

    Example::

        sonar = world.add_part("hcsr04", "distance", distance=0.5)
        sonar.distance = 0.3                  # something came closer
        sonar.schedule([(60, 1.2)])           # at t = 60 s it moves away again
    """

    kind = "hcsr04"
    role = "input"
    title = "an HC-SR04 distance sensor"
    extra_pins = ("trigger",)
    main_pin = "echo"
    SPEED_OF_SOUND = 343.0  # m/s, in air at about 20 °C
    RANGE = (0.02, 4.0)  # metres
    NO_ECHO_US = 38_000  # how long ECHO stays HIGH when nothing is in range
    ECHO_DELAY_US = 250  # from TRIG falling to ECHO rising: the 8 pulses of 40 kHz go out

    def __init__(self, world: World, name: str, *, distance: float = 1.0,
                 schedule: Any = None, faults: Faults | dict | None = None) -> None:
        super().__init__(world, name, faults=faults)
        self._steps: list[tuple[int, float]] = [(self.clock.now_us, self._metres(distance))]
        if schedule:
            self.schedule(schedule)
        self._echo = 0
        self._trigger_high = False
        self._busy_until_us = 0
        self.pings = 0

    @staticmethod
    def _metres(value: Any) -> float:
        try:
            metres = float(value)
        except (TypeError, ValueError):
            metres = -1.0
        if not metres > 0:
            raise ConfigError(f"a distance is a positive number of metres, not {value!r}")
        return metres

    @property
    def distance(self) -> float:
        """The distance (m) from the sensor to the nearest object now."""
        return self.distance_at(self.clock.now_us)

    @distance.setter
    def distance(self, metres: float) -> None:
        # From now on: this replaces what the schedule said about later times.
        now = self.clock.now_us
        self._steps = [s for s in self._steps if s[0] < now] + [(now, self._metres(metres))]

    def schedule(self, steps: Any) -> None:
        """Add ``(seconds, metres)`` steps: from ``seconds`` of simulated time on, the nearest
        object is ``metres`` away (until the next step)."""
        try:
            added = [(round(float(t) * 1_000_000), self._metres(m)) for t, m in steps]
        except (TypeError, ValueError):
            raise ConfigError(f"a schedule is a list of [seconds, metres] pairs, not {steps!r}"
                              ) from None
        self._steps = sorted(self._steps + added, key=lambda step: step[0])

    def distance_at(self, t_us: int) -> float:
        """The distance (m) at simulated time ``t_us``."""
        metres = self._steps[0][1]
        for when, value in self._steps:
            if when > t_us:
                break
            metres = value
        return metres

    def level(self) -> int:
        return self._echo

    def write(self, level: int) -> None:
        pass  # ECHO is the sensor's output: a Pi driving it changes nothing

    def pin_released(self) -> None:
        pass

    def write_extra(self, pin: str, level: int) -> None:
        if pin != "trigger":
            return
        if level:
            self._trigger_high = True
        elif self._trigger_high:
            self._trigger_high = False
            if not self._listening():
                self._ping(self.clock.now_us)

    def _listening(self) -> bool:
        """True while the sensor still waits for its last echo. Only a realtime clock has
        such a wait: on a virtual clock the whole echo is delivered at once."""
        return not self.clock.virtual and self.clock.now_us < self._busy_until_us

    def _ping(self, now: int) -> None:
        self.pings += 1
        try:
            metres = self._apply_faults(self.distance_at(now))
        except SensorReadError:
            self._busy_until_us = now + self.ECHO_DELAY_US + self.NO_ECHO_US
            return  # a dropout: the ping never comes back, ECHO stays LOW
        low, high = self.RANGE
        if metres > high:
            width = self.NO_ECHO_US
        else:
            width = round(max(metres, low) * 2 / self.SPEED_OF_SOUND * 1_000_000)
        rise = now + self.ECHO_DELAY_US
        self._busy_until_us = rise + width
        self._change_at(rise, lambda: self._set_echo(1))
        self._change_at(rise + width, lambda: self._set_echo(0))

    def _set_echo(self, level: int) -> None:
        self._echo = level


class MCP3008(Part):
    """MCP3008: an 8-channel, 10-bit analog-to-digital converter on the SPI bus, the usual
    way to give a Raspberry Pi (which has no analog inputs) analog inputs.

    Wiring: VDD and VREF to 3.3 V, AGND and DGND to GND, CLK to SCLK (GPIO11), DOUT to
    MISO (GPIO9), DIN to MOSI (GPIO10), CS to CE0 (GPIO8) or CE1 (GPIO7); analog parts
    (potentiometer, photoresistor, TMP36) on CH0 to CH7. gpiozero's ``MCP3008(channel=0)``
    reads it over SPI: every read is one 3-byte conversation, a start bit, single-ended or
    differential, the channel; back come a null bit and the 10-bit result.
    :meth:`transfer` answers it bit by bit, like the chip. The result is
    1024 × voltage / VREF (at most 1023); a channel with nothing wired reads 0.

    Example::

        adc = world.add_part("mcp3008", "adc")
        adc.connect(0, world.add_part("potentiometer", "knob", position=0.25))
        print(adc.read(0))                          # 256
        print(adc.transfer([0x01, 0x80, 0x00]))     # [0, 1, 0]: 256 in the last 10 bits
    """

    kind = "mcp3008"
    role = "spi"
    title = "an MCP3008 converter"
    CHANNELS = 8

    def __init__(self, world: World, name: str, *, vref: float = 3.3,
                 faults: Faults | dict | None = None) -> None:
        super().__init__(world, name, faults=faults)
        if not 0 < vref <= 5.5:
            raise ConfigError(f"vref is the reference voltage, 0 to 5.5 V, not {vref}")
        self.vref = float(vref)
        self.channels: dict[int, Part] = {}
        self.conversions = 0
        #: The single-ended channel (or differential pair's IN+) of the last conversion.
        self.last_channel: int | None = None

    def connect(self, channel: int, part: Part) -> None:
        """Wire an analog ``part`` to ``channel`` (0 to 7)."""
        if not 0 <= channel < self.CHANNELS:
            raise ConfigError(f"the MCP3008 has channels CH0 to CH7, not CH{channel}")
        if part.role != "analog":
            raise ConfigError(f"{part.title} ({part.kind}) is not an analog part: an ADC "
                              "channel reads a voltage (photoresistor, potentiometer, tmp36)")
        self.channels[channel] = part

    def read(self, channel: int, *, differential: bool = False) -> int:
        """Convert ``channel`` against GND; ``differential``: the pair that ``channel`` (its
        D2 D1 D0 bits) selects, IN+ minus IN-, 0 when negative."""
        self.conversions += 1
        if not differential:
            self.last_channel = channel
            volts = self._volts(channel)
        else:
            pair = channel & 0b110
            plus, minus = (pair, pair + 1) if channel % 2 == 0 else (pair + 1, pair)
            self.last_channel = plus
            volts = self._volts(plus) - self._volts(minus)
        return min(1023, max(0, int(volts * 1024 / self.vref)))

    def _volts(self, channel: int) -> float:
        part = self.channels.get(channel)
        return part.voltage(self.vref) if part is not None else 0.0

    def transfer(self, data: Any) -> list[int]:
        """One conversation while CS is LOW: ``data`` bytes go in on DIN, as many come back
        on DOUT. After the start bit (the first 1) come SGL/DIFF and D2 D1 D0; one clock
        later the chip sends a null bit (0), the result from B9 down to B0, then B1 up to
        B9 again (LSB first) and zeros while the clock keeps running."""
        bits_in = [(int(word) >> (7 - i)) & 1 for word in data for i in range(8)]
        bits_out = [0] * len(bits_in)
        if 1 in bits_in and bits_in.index(1) + 4 < len(bits_in):
            start = bits_in.index(1)
            single = bits_in[start + 1] == 1
            channel = bits_in[start + 2] << 2 | bits_in[start + 3] << 1 | bits_in[start + 4]
            code = self.read(channel, differential=not single)
            msb_first = [(code >> (9 - i)) & 1 for i in range(10)]
            answer = [0, *msb_first, *msb_first[-2::-1]]
            for position, bit in enumerate(answer, start + 6):
                if position < len(bits_out):
                    bits_out[position] = bit
        return [sum(bit << (7 - i) for i, bit in enumerate(bits_out[k:k + 8]))
                for k in range(0, len(bits_out), 8)]


#: Every part kind by name, as used in wiring descriptions and ``python -m simulators list``.
PARTS: dict[str, type[Part]] = {
    cls.kind: cls
    for cls in (DHT22, Photoresistor, Button, PIRSensor, Potentiometer, LED, Relay, Servo, Buzzer,
                TMP36, LDRCapacitor, HCSR04, MCP3008)
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

