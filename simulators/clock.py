"""The one clock every simulated part runs on.

A :class:`VirtualClock` keeps simulated time in whole microseconds and a scheduler (a heap
of events). It has two modes:

``virtual``
    Time stands still until someone waits. A wait (``clock.advance(5)``, a serial read
    with a timeout, an Arduino ``delay()``) jumps straight from one scheduled event to the
    next, so a simulated day takes about a second and runs the same way every time.
``realtime``
    Simulated time follows the wall clock, times ``speed``. A background thread runs the
    events when they fall due. This is the mode for notebooks and for the pty/TCP ports.

The clock also hands out the random generators: ``clock.rng("dht")`` is a
:class:`random.Random` seeded from the clock's seed and the name, so a seed makes a run
repeat exactly, whatever order the parts were created in.

Example::

    clock = VirtualClock(seed=7)
    clock.call_later(2.0, print, "two seconds later")
    clock.advance(5)            # prints at t=2 s; returns at t=5 s
"""

from __future__ import annotations

import heapq
import itertools
import logging
import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import ClockError, ConfigError

__all__ = ["VirtualClock", "Event", "DEFAULT_START", "seconds_to_us"]

log = logging.getLogger(__name__)

#: Where simulated time starts unless told otherwise: a Monday, 06:00 UTC.
DEFAULT_START = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)

MODES = ("virtual", "realtime")


def seconds_to_us(seconds: float) -> int:
    """Seconds (float) to whole microseconds."""
    return int(round(seconds * 1_000_000))


class Event:
    """A scheduled call; :meth:`cancel` stops it from running."""

    __slots__ = ("when", "callback", "args", "cancelled")

    def __init__(self, when: int, callback: Callable[..., Any], args: tuple) -> None:
        self.when = when
        self.callback = callback
        self.args = args
        self.cancelled = False

    def cancel(self) -> None:
        """Do not run this event."""
        self.cancelled = True

    def __repr__(self) -> str:
        name = getattr(self.callback, "__qualname__", repr(self.callback))
        return f"<Event t={self.when}us {name}{' cancelled' if self.cancelled else ''}>"


class VirtualClock:
    """Simulated time plus a scheduler, shared by every part of one simulated world.

    :param mode: ``"virtual"`` (time jumps when waited on) or ``"realtime"``.
    :param speed: in realtime mode, simulated seconds per wall second.
    :param seed: the seed every :meth:`rng` derives from.
    :param start: the wall-clock date and time simulated time 0 stands for.
    """

    def __init__(
        self,
        *,
        mode: str = "virtual",
        speed: float = 1.0,
        seed: int = 0,
        start: datetime | None = None,
    ) -> None:
        if mode not in MODES:
            raise ConfigError(f"clock mode must be one of {MODES}, not {mode!r}")
        if not speed > 0:
            raise ConfigError(f"speed must be positive, not {speed!r}")
        if start is not None and start.tzinfo is None:
            raise ConfigError("start must be timezone-aware")
        self.mode = mode
        self.speed = float(speed)
        self.seed = seed
        self.start = start or DEFAULT_START
        #: One re-entrant lock guards the whole simulated world.
        self.lock = threading.RLock()
        self._cond = threading.Condition(self.lock)
        self._heap: list[tuple[int, int, Event]] = []
        self._order = itertools.count()
        self._now = 0
        self._closed = False
        self._driver: threading.Thread | None = None
        self._driver_ident: int | None = None
        self._wall0 = time.monotonic()
        if mode == "realtime":
            self._driver = threading.Thread(target=self._drive, name="sim-clock", daemon=True)
            self._driver.start()

    # -- reading the time ---------------------------------------------------------------

    @property
    def virtual(self) -> bool:
        """True in virtual mode."""
        return self.mode == "virtual"

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called (no more events run)."""
        return self._closed

    @property
    def now_us(self) -> int:
        """Simulated time in microseconds since the clock started."""
        if self.mode == "realtime":
            wall = int((time.monotonic() - self._wall0) * self.speed * 1_000_000)
            if wall > self._now:
                self._now = wall
        return self._now

    def now(self) -> float:
        """Simulated time in seconds since the clock started."""
        return self.now_us / 1_000_000

    def datetime(self, t_us: int | None = None) -> datetime:
        """The simulated wall-clock time (timezone-aware) at ``t_us`` (default: now)."""
        return self.start + timedelta(microseconds=self.now_us if t_us is None else t_us)

    def rng(self, name: str) -> random.Random:
        """A random generator for ``name``, seeded from the clock's seed."""
        return random.Random(f"{self.seed}/{name}")

    # -- scheduling ---------------------------------------------------------------------

    def call_at(self, when_us: int, callback: Callable[..., Any], *args: Any) -> Event:
        """Run ``callback(*args)`` at simulated time ``when_us`` (or now, if that is past)."""
        with self._cond:
            if self._closed:
                raise ClockError("the clock is closed")
            event = Event(max(int(when_us), self._now), callback, args)
            heapq.heappush(self._heap, (event.when, next(self._order), event))
            if self.mode == "realtime":
                self._cond.notify_all()
            return event

    def call_later(self, delay: float, callback: Callable[..., Any], *args: Any) -> Event:
        """Run ``callback(*args)`` ``delay`` simulated seconds from now."""
        return self.call_at(self.now_us + seconds_to_us(delay), callback, *args)

    def next_event_us(self) -> int | None:
        """When the next pending event is due, or None if nothing is scheduled."""
        with self.lock:
            while self._heap and self._heap[0][2].cancelled:
                heapq.heappop(self._heap)
            return self._heap[0][0] if self._heap else None

    # -- letting time pass --------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass, running every event that falls due."""
        if seconds < 0:
            raise ClockError(f"cannot advance by a negative time ({seconds} s)")
        self.run_until(self.now_us + seconds_to_us(seconds))

    sleep = advance

    def wait_for(self, predicate: Callable[[], bool], timeout: float | None = None) -> bool:
        """Let time pass until ``predicate()`` is true or ``timeout`` simulated seconds pass.

        Returns the predicate's last value. In virtual mode with no timeout this returns
        False as soon as nothing is left scheduled (nothing could ever change).
        """
        deadline = None if timeout is None else self.now_us + seconds_to_us(timeout)
        return self.run_until(deadline, predicate)

    def run_until(self, deadline_us: int | None, stop: Callable[[], bool] | None = None) -> bool:
        """Run events up to ``deadline_us`` (None: no deadline), stopping early when
        ``stop()`` becomes true. Returns whether ``stop()`` was true at the end.

        Re-entrant: an event may call it again (that is how Arduino ``delay()`` works).
        """
        with self._cond:
            if self.mode == "virtual":
                return self._run_virtual(deadline_us, stop)
            if threading.get_ident() == self._driver_ident:
                return self._run_realtime_driver(deadline_us, stop)
            return self._wait_realtime(deadline_us, stop)

    def notify(self) -> None:
        """Wake every thread waiting on the clock (call after changing shared state)."""
        with self._cond:
            self._cond.notify_all()

    def close(self) -> None:
        """Stop the realtime thread and refuse new events."""
        with self._cond:
            self._closed = True
            self._heap.clear()
            self._cond.notify_all()
        if self._driver is not None and threading.get_ident() != self._driver_ident:
            self._driver.join(timeout=5)

    def __enter__(self) -> VirtualClock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<VirtualClock {self.mode} t={self.now():.6f}s seed={self.seed}>"

    # -- the engines --------------------------------------------------------------------

    def _run_virtual(self, deadline: int | None, stop: Callable[[], bool] | None) -> bool:
        heap = self._heap
        pop = heapq.heappop
        while True:
            if stop is not None and stop():
                return True
            if heap and (deadline is None or heap[0][0] <= deadline):
                when, _, event = pop(heap)
                if event.cancelled:
                    continue
                if when > self._now:
                    self._now = when
                event.callback(*event.args)
                continue
            break
        if deadline is not None and deadline > self._now:
            self._now = deadline
        return stop is not None and stop()

    def _run_due(self, limit: int | None = None) -> None:
        """Run the events due now, but none after ``limit`` (a nested wait's deadline)."""
        heap = self._heap
        while heap and not self._closed:
            due = self.now_us if limit is None else min(self.now_us, limit)
            if heap[0][0] > due:
                break
            when, _, event = heapq.heappop(heap)
            if event.cancelled:
                continue
            try:
                event.callback(*event.args)
            except Exception:  # the driver thread must survive a failing part or sketch
                log.exception("simulated event %r failed", event)
            self._cond.notify_all()

    def _wall_seconds_until(self, t_us: int | None) -> float | None:
        if t_us is None:
            return None
        return max(0.0, (t_us - self.now_us) / 1_000_000 / self.speed)

    def _run_realtime_driver(self, deadline: int | None, stop: Callable[[], bool] | None) -> bool:
        while not self._closed:
            # Like the virtual engine, a nested wait (a sketch's delay()) runs only events
            # up to its own deadline: otherwise the boards it runs keep it from ever
            # returning, and its sketch stops sampling while the others carry on.
            self._run_due(deadline)
            if stop is not None and stop():
                return True
            if deadline is not None and self.now_us >= deadline:
                break
            nxt = self._heap[0][0] if self._heap else None
            target = nxt if deadline is None else (deadline if nxt is None else min(nxt, deadline))
            self._cond.wait(self._wall_seconds_until(target))
        return stop is not None and stop()

    def _wait_realtime(self, deadline: int | None, stop: Callable[[], bool] | None) -> bool:
        while not self._closed:
            if stop is not None and stop():
                return True
            if deadline is not None and self.now_us >= deadline:
                break
            wait = self._wall_seconds_until(deadline)
            self._cond.wait(0.1 if wait is None else min(wait, 0.1))
        return stop is not None and stop()

    def _drive(self) -> None:
        self._driver_ident = threading.get_ident()
        with self._cond:
            while not self._closed:
                self._run_due()
                nxt = self._heap[0][0] if self._heap else None
                wait = self._wall_seconds_until(nxt)
                self._cond.wait(0.5 if wait is None else min(wait, 0.5))
