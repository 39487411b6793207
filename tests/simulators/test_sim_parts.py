"""Each part, and the sensors' fault options."""

from __future__ import annotations

import math
import statistics

import pytest

from simulators import ChecksumError, ConfigError, Faults, SensorTimeoutError
from simulators.parts import PARTS


def dht_values(world, n, **options):
    dht = world.add_part("dht22", "dht", **options)
    values = []
    for _ in range(n):
        world.clock.advance(2)
        try:
            values.append(dht.read()[0])
        except (ChecksumError, SensorTimeoutError) as exc:
            values.append(type(exc))
    return values


def test_every_part_has_a_teaching_docstring():
    for kind, cls in PARTS.items():
        doc = cls.__doc__ or ""
        assert "Wiring" in doc and "Example::" in doc, kind


def test_dht22_reads_the_room_and_waits_two_seconds_between_reads(world):
    dht = world.add_part("dht22", "dht", checksum_error_rate=0)
    temperature, humidity = dht.read()
    assert temperature == pytest.approx(world.room.temperature(), abs=0.6)
    assert 10 <= humidity <= 95
    world.room.set_heater("test", True)
    world.clock.advance(1.5)
    assert dht.read() == (temperature, humidity)  # too soon: the previous result
    assert dht.reads == 1
    world.clock.advance(600)
    assert dht.read()[0] > temperature
    assert dht.reads == 2


def test_dht22_fails_a_checksum_now_and_then(world):
    values = dht_values(world, 500)
    failures = values.count(ChecksumError)
    assert 2 <= failures <= 30  # about 2 %


def test_photoresistor_reads_more_with_the_lamp_on(world):
    ldr = world.add_part("photoresistor", "light")
    dark = ldr.analog()
    world.room.set_lamp("me", True)
    assert 0 <= dark < ldr.analog() <= 1023


def test_potentiometer(world):
    knob = world.add_part("potentiometer", "knob")
    knob.turn(0.0)
    assert knob.analog() == 0
    knob.turn(1.0)
    assert knob.analog() == 1023
    with pytest.raises(ConfigError):
        knob.turn(1.5)


def test_button_bounces_then_settles(world):
    button = world.add_part("button", "button")
    levels = []
    button.add_listener(lambda part: levels.append(part.level()))
    button.press()
    world.clock.advance(0.1)
    assert button.level() == 0 and button.is_pressed
    assert len(levels) >= 3 and levels[-1] == 0  # several edges, then pressed (LOW)
    button.release()
    world.clock.advance(0.1)
    assert button.level() is None  # released: the pull-up decides


def test_button_without_bounce_gives_one_edge(world):
    button = world.add_part("button", "button", bounce=False)
    levels = []
    button.add_listener(lambda part: levels.append(part.level()))
    button.press(duration=0.2)
    world.clock.advance(1)
    assert levels == [0, None]


def test_pir_follows_the_rooms_motion(world):
    pir = world.add_part("pir", "pir")
    edges = []
    pir.add_listener(lambda part: edges.append((world.clock.now(), part.level())))
    world.room.trigger_motion(5)
    assert pir.level() == 1
    world.clock.advance(3600)
    assert edges[0][1] == 0  # the triggered walk-by ended
    assert len(edges) > 2  # and people walked by on their own


def test_led_pwm_and_history(world):
    led = world.add_part("led", "led")
    led.write(1)
    world.clock.advance(1)
    led.write_pwm(0.25, 490)
    assert led.is_lit and led.brightness == 0.25
    assert list(led.history) == [(0.0, 1.0), (1.0, 0.25)]


@pytest.mark.parametrize("load,attribute", [("heater", "heater_on"), ("lamp", "lamp_on")])
def test_relay_switches_its_load(world, load, attribute):
    relay = world.add_part("relay", load, load=load)
    relay.write(1)
    assert getattr(world.room, attribute)
    relay.write(0)
    assert not getattr(world.room, attribute)


@pytest.mark.parametrize("pulse,angle", [(1000, 0.0), (1500, 90.0), (2000, 180.0),
                                         (2500, 180.0)], ids=["0deg", "90deg", "180deg", "clamped"])
def test_servo_angle_from_pulse_width(world, pulse, angle):
    servo = world.add_part("servo", "servo")
    servo.write_pwm(pulse / 20_000, 50)
    assert servo.angle == angle


def test_buzzer(world):
    buzzer = world.add_part("buzzer", "buzzer")
    buzzer.tone(440)
    assert buzzer.is_sounding and buzzer.frequency == 440
    buzzer.write(0)
    assert not buzzer.is_sounding


def test_fault_noise_spreads_readings(world):
    values = dht_values(world, 100, checksum_error_rate=0, faults={"noise": 1.0})
    assert statistics.stdev(values) > 0.5


def test_fault_drift_moves_readings_off(world):
    clean = dht_values(world, 1, checksum_error_rate=0)[0]
    from simulators import World

    other = World(seed=1)
    drifted = dht_values(other, 1800, checksum_error_rate=0, faults={"drift": 2.0})
    assert drifted[-1] - world.room.temperature(other.clock.now_us) > 1.5
    assert not math.isnan(clean)


def test_fault_stuck_value(world):
    values = dht_values(world, 20, checksum_error_rate=0, faults={"stuck": 42.0})
    assert set(values) == {42.0}


def test_fault_stuck_true_freezes_the_first_reading(world):
    world.room.set_heater("x", True)
    values = dht_values(world, 300, checksum_error_rate=0, faults={"stuck": True})
    assert len(set(values)) == 1


def test_fault_dropout(world):
    values = dht_values(world, 200, checksum_error_rate=0, faults={"dropout": 0.3})
    assert 30 <= values.count(SensorTimeoutError) <= 90


def test_fault_on_an_analog_part(world):
    ldr = world.add_part("photoresistor", "light", faults=Faults(stuck=7))
    assert ldr.analog() == 7


@pytest.mark.parametrize("faults", [{"noise": -1}, {"dropout": 2}, {"wobble": 1}],
                         ids=["negative-noise", "dropout-over-1", "unknown"])
def test_bad_faults_are_refused(world, faults):
    with pytest.raises(ConfigError):
        world.add_part("dht22", "dht", faults=faults)


def test_unknown_part_kind(world):
    with pytest.raises(ConfigError, match="known parts"):
        world.add_part("flux_capacitor", "x")
