"""A small physical model of one room, shared by every board in a world.

Sensors read the room; actuators change it. The model is lazy: it integrates from the last
time it was asked to the time it is asked about, so it costs nothing while nobody looks.

* **Outside temperature** follows a day cycle: coldest at 03:00, warmest at 15:00.
* **Room temperature** relaxes towards an equilibrium (outside + internal gains, + the
  heater while a heater relay is on) with a time constant: thermal inertia.
* **Humidity** (relative) falls as the air warms, like real air with constant water content.
* **Light** is daylight through a window (06:00 to 18:00) plus a lamp when a lamp relay is on.
* **Motion**: people walk through at random times (more in the day than at night),
  drawn from the seed; :meth:`Room.trigger_motion` adds a walk-by now.

Example::

    world = World(seed=1)
    world.room.set_heater("test", True)
    world.clock.advance(600)          # ten minutes of heating: the room is warmer
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from .clock import VirtualClock, seconds_to_us

__all__ = ["Room", "RoomSettings"]

_HOUR_US = 3_600_000_000
_STEP_S = 300.0  # longest integration step; outside temperature barely moves in 5 minutes
_STEP_US = int(_STEP_S * 1_000_000)


@dataclass(frozen=True)
class RoomSettings:
    """The room's physical constants (every field has a sensible default)."""

    outside_mean: float = 8.0  # °C, the day's mean outside temperature
    outside_swing: float = 6.0  # °C, half the difference between day and night
    start_temperature: float = 19.0  # °C, inside at time 0
    internal_gain: float = 10.0  # °C above outside without the heater (people, fridge, ...)
    heater_gain: float = 16.0  # °C more at equilibrium while the heater runs
    lamp_gain: float = 0.5  # °C more while the lamp is on
    time_constant: float = 2400.0  # s, thermal inertia
    base_humidity: float = 50.0  # %RH at 20 °C
    window_lux: float = 600.0  # lux at noon
    lamp_lux: float = 350.0  # lux the lamp adds
    motion_per_hour_day: float = 6.0  # walk-bys per hour from 07:00 to 23:00
    motion_per_hour_night: float = 0.3
    motion_seconds: tuple[float, float] = (5.0, 45.0)  # how long one walk-by lasts


class Room:
    """The room every sensor reads and every actuator changes. See the module docstring."""

    def __init__(self, clock: VirtualClock, settings: RoomSettings | None = None) -> None:
        self.clock = clock
        self.settings = s = settings or RoomSettings()
        start = clock.start
        self._day_offset_s = start.hour * 3600 + start.minute * 60 + start.second
        self._t_us = 0
        self._temperature = s.start_temperature
        self._heaters: set[object] = set()
        self._lamps: set[object] = set()
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._motion_hours = 0  # hours of motion schedule generated so far
        self._motion_watchers: list[Callable[[], None]] = []
        self._daylight: float | None = None  # set_daylight(): held by hand
        self._outside: float | None = None  # set_outside_temperature(): held by hand

    # -- time of day --------------------------------------------------------------------

    def hour_of_day(self, t_us: int | None = None) -> float:
        """The simulated hour of day (0 to 24, UTC) at ``t_us`` (default: now)."""
        t = self.clock.now_us if t_us is None else t_us
        return ((self._day_offset_s + t / 1_000_000) % 86_400) / 3600

    def outside_temperature(self, t_us: int | None = None) -> float:
        """Outside temperature in °C: a sine over the day, coldest at 03:00."""
        if self._outside is not None:
            return self._outside
        t = self.clock.now_us if t_us is None else t_us
        hour = ((self._day_offset_s + t / 1_000_000) % 86_400) / 3600  # hour_of_day(t)
        s = self.settings
        return s.outside_mean + s.outside_swing * math.sin(2 * math.pi * (hour - 9) / 24)

    # -- state --------------------------------------------------------------------------

    @property
    def heater_on(self) -> bool:
        """True while at least one heater relay is on."""
        return bool(self._heaters)

    @property
    def lamp_on(self) -> bool:
        """True while at least one lamp relay is on."""
        return bool(self._lamps)

    def temperature(self, t_us: int | None = None) -> float:
        """Room temperature in °C now (or at a later ``t_us``)."""
        self._integrate(self.clock.now_us if t_us is None else t_us)
        return self._temperature

    def humidity(self, t_us: int | None = None) -> float:
        """Relative humidity in %: falls about 6 % (relative) per °C of warming."""
        temp = self.temperature(t_us)
        rh = self.settings.base_humidity * math.exp(-0.06 * (temp - 20.0))
        rh = rh if rh > 10.0 else 10.0  # min(95.0, max(10.0, rh)), spelt out
        return rh if rh < 95.0 else 95.0

    def light(self, t_us: int | None = None) -> float:
        """Illuminance in lux: daylight through the window plus the lamp."""
        s = self.settings
        lamp = s.lamp_lux if self._lamps else 0.0
        if self._daylight is not None:
            return self._daylight + lamp
        t = self.clock.now_us if t_us is None else t_us
        hour = ((self._day_offset_s + t / 1_000_000) % 86_400) / 3600  # hour_of_day(t)
        sun = math.sin(math.pi * (hour - 6) / 12)
        daylight = s.window_lux * (sun if sun > 0.0 else 0.0)  # max(0.0, sun)
        return 2.0 + daylight + lamp

    # -- knobs turned by hand (scenarios, the board view) --------------------------------

    @property
    def held_daylight(self) -> float | None:
        """The daylight held by :meth:`set_daylight`, or None when the day cycle runs it."""
        return self._daylight

    @property
    def held_outside_temperature(self) -> float | None:
        """The outside temperature held by :meth:`set_outside_temperature`, or None."""
        return self._outside

    def set_daylight(self, lux: float | None) -> None:
        """Hold the daylight through the window at ``lux`` (the lamp still adds its light);
        ``None`` hands it back to the day cycle."""
        self._daylight = None if lux is None else float(lux)

    def set_outside_temperature(self, celsius: float | None) -> None:
        """Hold the outside temperature (the room follows with its usual inertia);
        ``None`` hands it back to the day cycle."""
        self._integrate(self.clock.now_us)  # the time so far passed with the old weather
        self._outside = None if celsius is None else float(celsius)

    def set_temperature(self, celsius: float) -> None:
        """Put the room at ``celsius`` now (it drifts on from there)."""
        self._integrate(self.clock.now_us)
        self._temperature = float(celsius)

    def set_heater(self, source: object, on: bool) -> None:
        """Switch the heater on or off on behalf of ``source`` (a relay)."""
        self._switch(self._heaters, source, on)

    def set_lamp(self, source: object, on: bool) -> None:
        """Switch the lamp on or off on behalf of ``source`` (a relay)."""
        self._switch(self._lamps, source, on)

    def _switch(self, group: set[object], source: object, on: bool) -> None:
        self._integrate(self.clock.now_us)  # what happened so far happened with the old state
        if on:
            group.add(source)
        else:
            group.discard(source)

    def _integrate(self, t_us: int) -> None:
        if t_us <= self._t_us:
            return
        s = self.settings
        gain = s.internal_gain + (s.heater_gain if self._heaters else 0.0)
        gain += s.lamp_gain if self._lamps else 0.0
        temp = self._temperature
        t = self._t_us
        while t < t_us:
            step = t_us - t if t_us - t < _STEP_US else _STEP_US
            target = self.outside_temperature(t + step // 2) + gain
            temp += (target - temp) * -math.expm1(-step / 1_000_000 / s.time_constant)
            t += step
        self._temperature = temp
        self._t_us = t_us

    # -- motion -------------------------------------------------------------------------

    def motion(self, t_us: int | None = None) -> bool:
        """True while someone is moving in the room."""
        t = self.clock.now_us if t_us is None else t_us
        if t // _HOUR_US + 2 > self._motion_hours:  # the schedule reaches an hour ahead
            self._generate_motion(t // _HOUR_US + 2)
        i = bisect_right(self._starts, t) - 1
        return i >= 0 and self._ends[i] > t

    def next_motion_change(self, after_us: int) -> int | None:
        """When motion next starts or stops after ``after_us`` (None if not within 2 days)."""
        for horizon in range(2, 50):
            self._generate_motion(after_us // _HOUR_US + horizon)
            i = bisect_right(self._starts, after_us) - 1
            if i >= 0 and self._ends[i] > after_us:
                return self._ends[i]
            if i + 1 < len(self._starts):
                return self._starts[i + 1]
        return None

    def trigger_motion(self, duration: float = 10.0) -> None:
        """Someone walks by now, moving for ``duration`` seconds."""
        now = self.clock.now_us
        self._add_motion(now, now + seconds_to_us(duration))
        for watcher in list(self._motion_watchers):
            watcher()

    def watch_motion(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` whenever the motion schedule changes by hand."""
        self._motion_watchers.append(callback)

    def _generate_motion(self, hours: int) -> None:
        s = self.settings
        while self._motion_hours < hours:
            h = self._motion_hours
            rng = self.clock.rng(f"room/motion/{h}")
            hod = self.hour_of_day(h * _HOUR_US)
            rate = s.motion_per_hour_day if 7 <= hod < 23 else s.motion_per_hour_night
            t = rng.expovariate(rate) if rate > 0 else 2.0
            while t < 1.0:
                start = h * _HOUR_US + int(t * _HOUR_US)
                length = rng.uniform(*s.motion_seconds)
                self._add_motion(start, start + seconds_to_us(length))
                t += rng.expovariate(rate)
            self._motion_hours += 1

    def _add_motion(self, start: int, end: int) -> None:
        starts, ends = self._starts, self._ends
        i = bisect_right(starts, start)
        # merge with every interval that overlaps [start, end)
        lo = i
        if lo > 0 and ends[lo - 1] >= start:
            lo -= 1
            start = starts[lo]
        hi = i
        while hi < len(starts) and starts[hi] <= end:
            hi += 1
        if hi > lo:
            end = max(end, ends[hi - 1])
        starts[lo:hi] = [start]
        ends[lo:hi] = [end]
