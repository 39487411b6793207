"""The one clock every simulated part runs on.

A :class:`VirtualClock` keeps simulated time in whole microseconds and a scheduler (a heap
of events). It has two modes:

``virtual``
    Time stands still until someone waits. A wait (``clock.advance(5)``, a serial read
    with a timeout, an Arduino ``delay()``) jumps straight from one scheduled event to the
    next, so a simulated day passes in seconds and runs the same way every time.
``realtime``
    Simulated time follows the wall clock, times ``speed`` (``VirtualClock(mode="realtime")``
    makes a :class:`RealtimeClock`). A background thread runs the events when they fall
    due. This is the mode for notebooks and for the pty/TCP ports. An event sees the time
    it was scheduled for, even when the thread gets to it a little late (a busy computer):
    a sketch's ``loop()`` that polls every millisecond still sees one millisecond between
    polls, and the board merely runs a bit behind the wall clock (at most
    :attr:`VirtualClock.MAX_LAG_S` wall seconds; beyond that it skips ahead).

Several threads may use one clock (a program reading a port in one thread and writing in
another). In realtime mode the clock's own thread runs the events and everyone else just
waits. In virtual mode the thread that waits *runs* the clock: it holds "the seat" and runs
event after event. A second thread that wants time to pass meanwhile becomes a passenger:
it sleeps until the runner has moved time far enough for it (its deadline, or its condition
came true). A thread that only needs the world's lock for a moment (``with clock.hold():``,
e.g. a ``write()``) is let in between two events. So no thread ever waits for a lock that a
waiting thread holds. When the runner's own wait is over, a passenger takes the seat.

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

__all__ = ["VirtualClock", "RealtimeClock", "Event", "DEFAULT_START", "seconds_to_us",
           "earliest"]

log = logging.getLogger(__name__)

_get_ident = threading.get_ident  # one global lookup, not two: it runs on every wait

#: Where simulated time starts unless told otherwise: a Monday, 06:00 UTC.
DEFAULT_START = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)

MODES = ("virtual", "realtime")


def seconds_to_us(seconds: float) -> int:
    """Seconds (float) to whole microseconds."""
    return int(round(seconds * 1_000_000))


def earliest(*times_us: int | None) -> int | None:
    """The earliest of some times in µs, ignoring None ("no limit"); None if all are None."""
    best = None
    for t in times_us:  # a plain loop: this runs on every wait, and a list + min() costs more
        if t is not None and (best is None or t < best):
            best = t
    return best


class _Passenger:
    """A thread that waits for virtual time to pass while another thread runs the clock."""

    __slots__ = ("deadline", "stop", "done", "left")

    def __init__(self, deadline: int | None, stop: Callable[[], bool] | None) -> None:
        self.deadline = deadline
        self.stop = stop
        self.done = False  # set by the runner: this wait is over
        self.left = False  # set by the passenger once it has gone


class _Hold:
    """``with clock.hold():`` takes the world's lock politely (see :meth:`VirtualClock.hold`)."""

    __slots__ = ("_clock",)

    def __init__(self, clock: VirtualClock) -> None:
        self._clock = clock

    # The two methods below are VirtualClock._acquire() and _release() written out in place:
    # a port takes the lock for every line it reads, and every call costs.
    def __enter__(self) -> VirtualClock:
        clock = self._clock
        if not clock.lock.acquire(False):
            clock._knock()
        return clock

    def __exit__(self, *exc_info: object) -> None:
        clock = self._clock
        if clock._pausing:
            clock._cond.notify_all()  # the runner paused for us: tell it we are done
        clock.lock.release()


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

    #: realtime: how far (wall seconds) the events may fall behind before they skip ahead
    MAX_LAG_S = 0.25

    #: Simulated time in microseconds since the clock started. On a virtual clock it is a
    #: plain number that moves only while someone waits (read it; never set it); on a
    #: realtime clock (:class:`RealtimeClock`) it follows the wall clock. A plain number
    #: rather than a property because everything reads it, many times per event.
    now_us: int

    def __new__(cls, *, mode: str = "virtual", **options: Any) -> VirtualClock:
        """``VirtualClock(mode="realtime")`` makes a :class:`RealtimeClock`."""
        if cls is VirtualClock and mode == "realtime":
            cls = RealtimeClock
        return super().__new__(cls)

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
        #: True in virtual mode (read it; a plain attribute, as it is read on every event).
        self.virtual = mode == "virtual"
        self.speed = float(speed)
        self.seed = seed
        self.start = start or DEFAULT_START
        #: One re-entrant lock guards the whole simulated world.
        self.lock = threading.RLock()
        self._cond = threading.Condition(self.lock)
        self._heap: list[tuple[int, int, Event]] = []
        self._order = itertools.count()
        if self.virtual:
            self.now_us = 0
        self._now = 0  # realtime: the latest wall time handed out (it never goes back)
        #: True once :meth:`close` was called: no more events run (read it; never set it).
        self.closed = False
        self._driver: threading.Thread | None = None
        self._driver_ident: int | None = None
        self._wall0 = time.monotonic()
        # Virtual mode with several threads (see the module docstring): the thread running
        # the clock ("the seat"), the threads riding along, how many threads wait for the
        # lock, and whether the runner is pausing to let them in.
        self._seat: int | None = None
        self._passengers: list[_Passenger] = []
        self._knocks = 0
        self._knock_lock = threading.Lock()
        self._pausing = False
        self._hold = _Hold(self)
        self._pin: int | None = None  # realtime: the time of the event being run
        if mode == "realtime":
            self._driver = threading.Thread(target=self._drive, name="sim-clock", daemon=True)
            self._driver.start()

    # -- reading the time ---------------------------------------------------------------

    def _wall_us(self) -> int:
        """Realtime: simulated time by the wall clock (never going back)."""
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
        if not self.lock.acquire(False):  # the fast path of self._acquire()
            self._knock()
        try:
            if self.closed:
                raise ClockError("the clock is closed")
            return self._schedule(int(when_us), callback, args)
        finally:
            if self._pausing:  # self._release(), written out: this runs for every event
                self._cond.notify_all()
            self.lock.release()

    def _schedule(self, when: int, callback: Callable[..., Any], args: tuple) -> Event:
        """:meth:`call_at` for a caller that holds the lock and knows the clock is open (an
        event scheduling the next one): ``when`` is a whole number of µs."""
        event = Event(when, callback, args)
        self._reschedule(event, when)
        return event

    def _reschedule(self, event: Event, when: int) -> None:
        """Put ``event`` on the heap, due at ``when`` (or now, if that is past). Also for an
        event that has just run (a sketch's next ``loop()``): the same object goes back, so
        whoever holds it can still cancel it. The caller holds the lock."""
        now = self.now_us
        event.when = when if when > now else now
        heapq.heappush(self._heap, (event.when, next(self._order), event))
        if not self.virtual:
            self._cond.notify_all()

    def call_later(self, delay: float, callback: Callable[..., Any], *args: Any) -> Event:
        """Run ``callback(*args)`` ``delay`` simulated seconds from now."""
        return self.call_at(self.now_us + seconds_to_us(delay), callback, *args)

    def next_event_us(self) -> int | None:
        """When the next pending event is due, or None if nothing is scheduled."""
        with self._hold:
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
        Thread-safe: in virtual mode a second thread rides along while another runs the
        clock (see the module docstring).
        """
        if self.virtual and self._seat == _get_ident():
            # A nested wait (a sketch's delay() inside an event), in the thread that runs
            # the clock: it holds the lock already.
            if stop is None and deadline_us is not None and self.skip_to(deadline_us):
                return False
            return self._advance_virtual(deadline_us, stop)
        if not self.lock.acquire(False):  # the fast path of self._acquire()
            self._knock()
        try:
            if self.virtual:  # a wait from outside the events: run the clock, or ride along
                if self._seat is not None:  # another thread runs it
                    ridden = self._ride(deadline_us, stop)
                    if ridden is not None:
                        return ridden
                self._seat = _get_ident()  # nobody runs the clock: this thread does
                try:
                    return self._advance_virtual(deadline_us, stop)
                finally:
                    self._seat = None
                    if self._passengers:
                        self._cond.notify_all()  # one of them takes the seat
            if _get_ident() == self._driver_ident:
                return self._run_realtime_driver(deadline_us, stop)
            return self._wait_realtime(deadline_us, stop)
        finally:
            if self._pausing:  # self._release(), written out: this runs several times an event
                self._cond.notify_all()
            self.lock.release()

    def skip_to(self, deadline_us: int) -> bool:
        """A wait inside an event (a sketch's ``delay()``) when nothing else falls due before
        it ends: time jumps straight to ``deadline_us`` (what :meth:`run_until` would do,
        without running the engine). Returns False, and does nothing, when the wait has to
        run the engine after all: another event is due first, another thread waits along,
        or this thread is not the one running virtual time.
        """
        heap = self._heap
        if (self._seat != _get_ident() or self._passengers or self.closed
                or (heap and heap[0][0] <= deadline_us)):
            return False
        if deadline_us > self.now_us:
            self.now_us = deadline_us
        return True

    def hold(self) -> _Hold:
        """The world's lock, for code outside the clock's events: ``with clock.hold(): ...``.

        Use it from a host program's thread (a port's ``write()``, ``in_waiting``, a pin
        read). While another thread is running virtual time, that thread pauses between two
        events to let this one in, so the lock never stays out of reach for a whole wait.
        """
        return self._hold

    def notify(self) -> None:
        """Wake every thread waiting on the clock (call after changing shared state)."""
        with self._hold:
            self._cond.notify_all()

    def close(self) -> None:
        """Stop the realtime thread and refuse new events."""
        with self._hold:
            self.closed = True
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

    # _acquire() and _release() are how every taker of the world's lock takes and gives
    # it back. The busy callers (_Hold, call_at, run_until) write the two out in place.

    def _acquire(self) -> None:
        """Take the world's lock; if another thread has it, knock (see :meth:`hold`)."""
        if not self.lock.acquire(False):
            self._knock()

    def _knock(self) -> None:
        """Wait for the lock, counted as knocking: a thread running the clock lets us in."""
        with self._knock_lock:
            self._knocks += 1
        try:
            self.lock.acquire()
        finally:
            with self._knock_lock:
                self._knocks -= 1

    def _release(self) -> None:
        if self._pausing:
            self._cond.notify_all()  # the runner paused for us: tell it we are done
        self.lock.release()

    def _advance_virtual(self, deadline: int | None, stop: Callable[[], bool] | None) -> bool:
        """The virtual engine: run events in order, jumping over the time between them."""
        heap = self._heap
        pop = heapq.heappop
        while not self.closed:
            if stop is not None and stop():
                return True
            limit = deadline
            if self._passengers:  # stop at a passenger's deadline too, to let it go
                limit = earliest(deadline, *(p.deadline for p in self._passengers))
            if heap and (limit is None or heap[0][0] <= limit):
                when, _, event = pop(heap)
                if event.cancelled:
                    continue
                if when > self.now_us:
                    self.now_us = when
                event.callback(*event.args)
            elif limit is None:
                break  # nothing is scheduled: nothing could ever change
            else:
                if limit > self.now_us:
                    self.now_us = limit
                if limit == deadline:
                    break
            if self._knocks or self._passengers:
                self._serve_others()
        return stop is not None and stop()

    def _ride(self, deadline: int | None, stop: Callable[[], bool] | None) -> bool | None:
        """Wait as a passenger while another thread runs virtual time.

        Returns the wait's result, or None when the seat became free (then this thread
        runs the clock itself).
        """
        if stop is not None and stop():
            return True
        if deadline is not None and self.now_us >= deadline:
            return False
        me = _Passenger(deadline, stop)
        self._passengers.append(me)
        try:
            while not me.done and not self.closed:
                if self._seat is None:
                    return None
                self._cond.wait(0.05)  # the runner wakes us; the timeout is a safety net
        finally:
            me.left = True
            self._passengers.remove(me)
            self._cond.notify_all()
        return stop is not None and stop()

    def _serve_others(self) -> None:
        """Between two events: release passengers whose wait is over, let knockers in."""
        now = self.now_us
        leaving = [p for p in self._passengers if not p.done and (
            (p.deadline is not None and now >= p.deadline) or (p.stop is not None and p.stop()))]
        for passenger in leaving:
            passenger.done = True
        if leaving:
            self._cond.notify_all()
        if leaving or self._knocks:
            self._pause(leaving)

    def _pause(self, leaving: list[_Passenger]) -> None:
        """Release the lock until the knockers got their turn and ``leaving`` have gone."""
        self._pausing = True
        try:
            while not self.closed and (self._knocks or any(not p.left for p in leaving)):
                self._cond.wait(0.001)
        finally:
            self._pausing = False

    def _run_due(self, limit: int | None = None) -> None:
        """Run the events due now, but none after ``limit`` (a nested wait's deadline)."""
        heap = self._heap
        max_lag_us = int(self.MAX_LAG_S * self.speed * 1_000_000)
        while heap and not self.closed:
            wall = self._wall_us()
            due = wall if limit is None else min(wall, limit)
            if heap[0][0] > due:
                break
            when, _, event = heapq.heappop(heap)
            if event.cancelled:
                continue
            outer = self._pin  # set when this runs inside a sketch's delay()
            self._pin = max(when, wall - max_lag_us, outer or 0)
            try:
                event.callback(*event.args)
            except Exception:  # the driver thread must survive a failing part or sketch
                log.exception("simulated event %r failed", event)
            finally:
                self._pin = outer
            self._cond.notify_all()
            if self._knocks:
                self._pause([])

    def _wall_seconds_until(self, t_us: int | None) -> float | None:
        if t_us is None:
            return None
        return max(0.0, (t_us - self._wall_us()) / 1_000_000 / self.speed)

    def _run_realtime_driver(self, deadline: int | None, stop: Callable[[], bool] | None) -> bool:
        while not self.closed:
            # Like the virtual engine, a nested wait (a sketch's delay()) runs only events
            # up to its own deadline: otherwise the boards it runs keep it from ever
            # returning, and its sketch stops sampling while the others carry on.
            self._run_due(deadline)
            if stop is not None and stop():
                self._resume_at(deadline)
                return True
            if deadline is not None and self._wall_us() >= deadline:
                break
            nxt = self._heap[0][0] if self._heap else None
            target = nxt if deadline is None else (deadline if nxt is None else min(nxt, deadline))
            self._cond.wait(self._wall_seconds_until(target))
        self._resume_at(deadline)
        return stop is not None and stop()

    def _resume_at(self, deadline: int | None) -> None:
        """After a sketch's wait: its event goes on at the wait's end (or now, if sooner)."""
        if self._pin is not None:
            wall = self._wall_us()
            self._pin = max(self._pin, wall if deadline is None else min(wall, deadline))

    def _wait_realtime(self, deadline: int | None, stop: Callable[[], bool] | None) -> bool:
        while not self.closed:
            if stop is not None and stop():
                return True
            if deadline is not None and self._wall_us() >= deadline:
                break
            wait = self._wall_seconds_until(deadline)
            self._cond.wait(0.1 if wait is None else min(wait, 0.1))
        return stop is not None and stop()

    def _drive(self) -> None:
        self._driver_ident = threading.get_ident()
        with self._cond:
            while not self.closed:
                self._run_due()
                nxt = self._heap[0][0] if self._heap else None
                wait = self._wall_seconds_until(nxt)
                self._cond.wait(0.5 if wait is None else min(wait, 0.5))


class RealtimeClock(VirtualClock):
    """A clock whose simulated time follows the wall clock, times ``speed``; a background
    thread runs the events as they fall due. ``VirtualClock(mode="realtime")`` makes one
    (the parameters are :class:`VirtualClock`'s)."""

    def __init__(self, *, mode: str = "realtime", **options: Any) -> None:
        if mode != "realtime":
            raise ConfigError(f"a RealtimeClock runs in realtime mode, not {mode!r} "
                              "(use VirtualClock() for virtual time)")
        super().__init__(mode=mode, **options)

    @property  # type: ignore[override]
    def now_us(self) -> int:
        """Simulated time in microseconds since the clock started.

        Code running inside an event (a sketch) sees the event's time; every other thread
        sees the wall clock's.
        """
        pin = self._pin
        if pin is not None and threading.get_ident() == self._driver_ident:
            return pin
        return self._wall_us()
