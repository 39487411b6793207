"""The virtual clock and the room model."""

from __future__ import annotations

import pytest

from simulators import ClockError, ConfigError, RoomSettings, VirtualClock, World
from simulators.clock import RealtimeClock


def test_virtual_clock_runs_events_in_time_order_and_jumps():
    clock = VirtualClock()
    seen = []
    clock.call_later(2.0, lambda: seen.append(("b", clock.now())))
    clock.call_later(1.0, lambda: seen.append(("a", clock.now())))
    clock.call_later(9.0, lambda: seen.append(("late", clock.now())))
    clock.advance(5)
    assert seen == [("a", 1.0), ("b", 2.0)]
    assert clock.now() == 5.0


def test_cancelled_events_do_not_run():
    clock = VirtualClock()
    seen = []
    event = clock.call_later(1, seen.append, "x")
    event.cancel()
    clock.advance(2)
    assert seen == []


def test_wait_for_stops_at_the_event_that_makes_it_true():
    clock = VirtualClock()
    flag = []
    clock.call_later(3.5, flag.append, 1)
    assert clock.wait_for(lambda: bool(flag), timeout=10)
    assert clock.now() == 3.5
    assert not clock.wait_for(lambda: False, timeout=1)
    assert clock.now() == 4.5


def test_nested_run_until_from_an_event():
    clock = VirtualClock()
    order = []

    def outer():
        order.append(("outer", clock.now()))
        clock.run_until(clock.now_us + 2_000_000)  # what Arduino delay() does
        order.append(("outer done", clock.now()))

    clock.call_later(1, outer)
    clock.call_later(2, lambda: order.append(("inner", clock.now())))
    clock.advance(5)
    assert order == [("outer", 1.0), ("inner", 2.0), ("outer done", 3.0)]


def test_going_back_in_time_is_refused():
    with pytest.raises(ClockError):
        VirtualClock().advance(-1)


@pytest.mark.parametrize("kwargs", [{"mode": "warp"}, {"speed": 0}], ids=["mode", "speed"])
def test_bad_clock_options(kwargs):
    with pytest.raises(ConfigError):
        VirtualClock(**kwargs)


def test_seeded_generators_repeat_and_differ_by_name_and_seed():
    a, b, c = VirtualClock(seed=1), VirtualClock(seed=1), VirtualClock(seed=2)
    assert a.rng("dht").random() == b.rng("dht").random()
    assert a.rng("dht").random() != a.rng("ldr").random()
    assert a.rng("dht").random() != c.rng("dht").random()


def test_realtime_clock_runs_events_by_itself():
    with VirtualClock(mode="realtime", speed=100) as clock:
        seen = []
        clock.call_later(1.0, seen.append, "tick")  # 10 ms of wall time at speed 100
        assert clock.wait_for(lambda: bool(seen), timeout=50)
        assert clock.now() >= 1.0


def test_the_mode_picks_the_clock_class():
    # Virtual time is a plain number the clock moves; realtime computes it from the wall
    # clock, so VirtualClock(mode="realtime") makes the subclass that does that.
    virtual = VirtualClock()
    assert type(virtual) is VirtualClock and virtual.virtual and virtual.now_us == 0
    virtual.advance(1.5)
    assert virtual.now_us == 1_500_000
    with VirtualClock(mode="realtime", speed=100) as clock:
        assert isinstance(clock, RealtimeClock) and not clock.virtual
    with pytest.raises(ConfigError, match="realtime"):
        RealtimeClock(mode="virtual")


def test_heater_on_warms_the_room(world):
    other = World(seed=1)
    world.room.set_heater("test", True)
    world.clock.advance(1800)
    other.clock.advance(1800)
    assert world.room.temperature() > other.room.temperature() + 3
    world.room.set_heater("test", False)
    warm = world.room.temperature()
    world.clock.advance(3 * 3600)
    assert world.room.temperature() < warm - 3  # thermal inertia: it cools off slowly


def test_outside_follows_a_day_cycle(world):
    room = world.room
    hours = [room.outside_temperature(h * 3_600_000_000) for h in range(24)]
    start_hour = world.clock.start.hour
    coldest = (hours.index(min(hours)) + start_hour) % 24
    warmest = (hours.index(max(hours)) + start_hour) % 24
    assert (coldest, warmest) == (3, 15)


def test_lamp_lights_the_room_and_daylight_follows_the_sun(world):
    room = world.room
    night, noon = room.light(-6 * 3_600_000_000 + 0), room.light(6 * 3_600_000_000)
    assert noon > night + 300
    before = room.light()
    room.set_lamp("me", True)
    assert room.light() == pytest.approx(before + RoomSettings().lamp_lux)


def test_humidity_falls_as_the_room_warms(world):
    before = world.room.humidity()
    world.room.set_heater("test", True)
    world.clock.advance(3600)
    assert world.room.humidity() < before


def test_motion_schedule_repeats_for_a_seed_and_differs_across_seeds():
    def schedule(seed):
        w = World(seed=seed)
        return [w.room.motion(t * 10_000_000) for t in range(8640)]

    assert schedule(5) == schedule(5)
    assert schedule(5) != schedule(6)
    assert any(schedule(5))


def test_trigger_motion_now(world):
    world.clock.advance(1)
    world.room.trigger_motion(5)
    assert world.room.motion()
    world.clock.advance(6)
    assert not world.room.motion() or world.room.next_motion_change(world.clock.now_us)
