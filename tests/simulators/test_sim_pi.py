"""The Raspberry Pi: unmodified gpiozero code on simulated parts."""

from __future__ import annotations

import json
import threading

import pytest
import serial
from gpiozero import LED, PWMLED, Button, Device, MotionSensor, OutputDevice, Servo

import simulators
from simulators import register_board, unregister_board


def test_entry_point_sim_is_used_by_gpiozero_pin_factory_env(monkeypatch):
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "sim")
    monkeypatch.setenv("SIM_CLOCK", "virtual")
    Device.pin_factory = None
    try:
        led = LED(17)
        led.on()
        assert isinstance(Device.pin_factory, simulators.SimFactory)
        assert Device.pin_factory.parts["led"].is_lit
    finally:
        Device.pin_factory.close()
        Device.pin_factory = None


def test_led_on_off(pi):
    led = LED(17)
    led.on()
    assert pi.parts["led"].is_lit
    led.off()
    assert not pi.parts["led"].is_lit


def test_pwmled_brightness(pi):
    led = PWMLED(17)
    led.value = 0.3
    assert pi.parts["led"].brightness == pytest.approx(0.3)


def count_presses(world, button, part, taps, *, hold):
    """Tap ``part`` ``taps`` times (held ``hold`` s, 0.3 s apart); gpiozero's counts."""
    presses, releases = [], []
    button.when_pressed = lambda: presses.append(world.clock.now())
    button.when_released = lambda: releases.append(world.clock.now())
    per_tap = []
    for _ in range(taps):
        before = len(presses)
        part.press(duration=hold)
        world.clock.advance(0.3)
        per_tap.append(len(presses) - before)
    return per_tap, presses, releases


def test_button_default_settings_count_one_press_per_press_mostly(pi, world):
    per_tap, presses, releases = count_presses(world, Button(2), pi.parts["button"], 50,
                                               hold=0.2)
    assert per_tap.count(1) >= 38  # the common case: one when_pressed per press
    assert max(per_tap) > 1  # but a real contact bounces now and then
    assert len(presses) == len(releases)


def test_button_with_every_contact_bouncing_sees_the_bounce(world):
    factory = world.pi_factory(wiring={"GPIO2": {"part": "button", "bounce_chance": 1.0}})
    Device.pin_factory = factory
    try:
        button = Button(2)
        per_tap, _, _ = count_presses(world, button, factory.parts["button2"], 5, hold=0.2)
        assert all(n > 1 for n in per_tap)
        assert not button.is_pressed
    finally:
        factory.close()
        Device.pin_factory = None


def test_bounce_time_never_loses_a_short_taps_release(world):
    factory = world.pi_factory(wiring={"GPIO2": {"part": "button", "bounce_chance": 1.0}})
    Device.pin_factory = factory
    try:
        button = Button(2, bounce_time=0.05)
        per_tap, presses, releases = count_presses(world, button, factory.parts["button2"],
                                                   20, hold=0.02)
        assert per_tap == [1] * 20  # every bounce filtered
        assert len(releases) == 20  # and every 20 ms tap ends with its release
        assert all(0.02 <= r - p <= 0.05 + 1e-9 for p, r in zip(presses, releases, strict=True))
        assert not button.is_pressed
    finally:
        factory.close()
        Device.pin_factory = None


def test_button_bounce_time_gives_one_press(pi, world):
    button = Button(2, bounce_time=0.02)
    presses, releases = [], []
    button.when_pressed = lambda: presses.append(world.clock.now())
    button.when_released = lambda: releases.append(world.clock.now())
    pi.parts["button"].press()
    world.clock.advance(0.3)
    assert button.is_pressed
    pi.parts["button"].release()
    world.clock.advance(0.3)
    assert presses == [0.0] and releases == [0.3]


def test_button_held_time_is_simulated(pi, world):
    button = Button(2)
    pi.parts["button"].press()
    world.clock.advance(2.5)
    assert button.is_pressed
    assert button.active_time == pytest.approx(2.5, abs=0.01)


def test_gpiozero_in_another_thread_is_let_in_while_a_thread_runs_the_clock(pi, world):
    # One thread runs the virtual clock for a long wait (an event every simulated
    # millisecond, until the LED lights); another switches the LED on with gpiozero. The
    # pin takes the world's lock through clock.hold(), so the running thread lets it in
    # between two events: it must not wait out the whole clock.advance().
    led = LED(17)
    clock = world.clock
    ticking, give_up = threading.Event(), threading.Event()

    def tick():
        ticking.set()
        clock.call_later(0.001, tick)

    clock.call_later(0.001, tick)
    lit = pi.parts["led"]
    waited = []
    runner = threading.Thread(target=lambda: waited.append(clock.wait_for(
        lambda: lit.is_lit or give_up.is_set(), timeout=365 * 86_400)), daemon=True)
    switcher = threading.Thread(target=lambda: ticking.wait(10) and led.on(), daemon=True)
    runner.start()
    switcher.start()
    switcher.join(timeout=10)  # guards only: neither join should come near its timeout
    let_in = not switcher.is_alive()
    give_up.set()  # without it the runner would wait a simulated year for the LED
    runner.join(timeout=10)
    assert let_in, "led.on() in a second thread waited for the other thread's whole wait"
    assert not runner.is_alive() and waited == [True]
    assert lit.is_lit and led.is_lit


def test_motion_sensor(pi, world):
    sensor = MotionSensor(4)
    seen = threading.Event()
    sensor.when_motion = seen.set
    assert sensor.wait_for_no_motion(timeout=5)  # gpiozero's sampling queue has filled
    world.room.trigger_motion(30)
    assert sensor.wait_for_motion(timeout=5)
    assert seen.wait(5)


def test_motion_triggered_by_hand_reaches_edge_listeners(pi, world):
    """room.trigger_motion() raises the PIR's output now: a device that listens for edges
    (DigitalInputDevice, when_activated) hears it rise, then fall when the walk-by ends."""
    from gpiozero import DigitalInputDevice

    pir = DigitalInputDevice(4)
    edges = []
    pir.when_activated = lambda: edges.append(("up", round(world.clock.now(), 1)))
    pir.when_deactivated = lambda: edges.append(("down", round(world.clock.now(), 1)))
    world.clock.advance(1)
    start = world.clock.now()
    world.room.trigger_motion(20)
    world.clock.advance(30)
    ups = [t for kind, t in edges if kind == "up" and t >= start - 0.01]
    downs = [t for kind, t in edges if kind == "down" and t >= start - 0.01]
    assert ups and abs(ups[0] - start) < 0.1, f"no rising edge at {start:.1f}: {edges}"
    assert downs and downs[-1] >= start + 19.9, f"no falling edge after 20 s: {edges}"


def test_relay_output_device_warms_the_room(pi, world):
    heater = OutputDevice(27)
    start = world.room.temperature()
    heater.on()
    world.clock.advance(900)
    assert pi.parts["heater"].is_on
    assert world.room.temperature() > start + 2


@pytest.mark.parametrize("value,angle", [(-1, 0.0), (0, 90.0), (1, 180.0)],
                         ids=["min", "mid", "max"])
def test_servo(pi, value, angle):
    servo = Servo(18)
    servo.value = value
    assert pi.parts["servo"].angle == angle


def test_unwired_pin_floats_to_its_pull(pi):
    from gpiozero import InputDevice

    with pytest.warns(simulators.wiring.WiringWarning, match="nothing wired"):
        up = InputDevice(5, pull_up=True)
    with pytest.warns(simulators.wiring.WiringWarning, match="nothing wired"):
        down = InputDevice(6, pull_up=False)
    assert up.value == 0  # pulled up: active-low reads inactive
    assert down.value == 0


def test_dht22_reader_is_shaped_like_adafruit_dht(pi, world):
    dht = simulators.DHT22(23)
    ok, errors = [], []
    for _ in range(300):
        world.clock.advance(2)
        try:
            ok.append((dht.temperature, dht.humidity))
        except RuntimeError as exc:
            errors.append(str(exc))
    assert errors and all("Try again" in e for e in errors)
    assert len(ok) > 250
    assert all(10 < t < 35 and 0 < h < 100 for t, h in ok)


def test_dht22_reader_reads_at_most_every_two_seconds(pi, world):
    dht = simulators.DHT22(23)
    world.clock.advance(2)
    try:
        _ = dht.temperature
    except RuntimeError:
        pass
    reads = pi.parts["dht"].reads
    world.clock.advance(1)
    for _ in range(5):
        _ = dht.humidity
    assert pi.parts["dht"].reads == reads


def test_pi_and_uno_share_the_room(world, pi):
    uno = world.add_uno("sensor_reporter", params={"interval": 60_000})
    register_board(uno, "shared-uno")
    try:
        port = serial.serial_for_url("sim://shared-uno", timeout=120)
        port.readline()
        before = [json.loads(port.readline())["temperature"] for _ in range(3)]
        heater = OutputDevice(27)
        heater.on()  # the Pi switches the heater
        after = [json.loads(port.readline())["temperature"] for _ in range(30)]
        before = [t for t in before if t is not None]  # null: a failed DHT22 read
        after = [t for t in after if t is not None]
        assert after[-1] > before[0] + 3
        port.close()
    finally:
        unregister_board(uno)
