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
    button = world.add_part("button", "button", bounce_chance=1.0)
    edges = []
    button.add_listener(lambda part: edges.append((part.changed_at_us, part.level())))
    button.press()
    world.clock.advance(0.1)
    assert button.level() == 0 and button.is_pressed
    levels = [level for _, level in edges]
    assert len(levels) in (3, 5) and levels[-1] == 0  # LOW, bounces, then pressed (LOW)
    assert edges[-1][0] <= 3_200  # settled within a few milliseconds
    button.release()
    world.clock.advance(0.1)
    assert button.level() is None  # released: the pull-up decides


def test_button_bounces_now_and_then_like_a_real_switch(world):
    button = world.add_part("button", "button")  # bounce_chance 0.1
    edges_per_change = []
    for _ in range(200):
        edges = []
        button.add_listener(listener := lambda part, edges=edges: edges.append(part.level()))
        button.press(duration=0.1)
        world.clock.advance(0.05)
        edges_per_change.append(len(edges))
        button.remove_listener(listener)
        world.clock.advance(0.1)
    clean = edges_per_change.count(1)
    assert 150 <= clean < 200  # most presses are one clean edge, some bounce
    assert set(edges_per_change) <= {1, 3, 5}


def test_button_bounce_chance_is_checked(world):
    with pytest.raises(ConfigError, match="bounce_chance"):
        world.add_part("button", "button", bounce_chance=2)


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
    assert edges[0] == (0.0, 1)  # the triggered walk-by raised the output at once
    assert edges[1][1] == 0 and edges[1][0] >= 5.0  # and lowered it when it ended
    assert len(edges) > 3  # and people walked by on their own


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


def test_button_wired_to_3v3_reads_high_when_pressed(world):
    button = world.add_part("button", "button", bounce=False, wired_to="3V3")
    button.press()
    assert button.level() == 1
    button.release()
    assert button.level() is None
    with pytest.raises(ConfigError, match="GND"):
        world.add_part("button", "other", wired_to="5V")


def test_servo_keeps_a_history_of_moves(world):
    servo = world.add_part("servo", "servo")
    servo.write_pulse(1000)
    world.clock.advance(1)
    servo.write_pulse(1000)  # no move
    servo.write_pulse(2000)
    assert list(servo.history) == [(0.0, 0.0), (1.0, 180.0)]


def test_tmp36_gives_500_mv_plus_10_mv_per_degree(world):
    tmp = world.add_part("tmp36", "t")
    celsius = world.room.temperature()
    assert tmp.voltage(3.3) == pytest.approx(0.5 + 0.01 * celsius)
    assert tmp.voltage(5.0) == tmp.voltage(3.3)  # absolute, not a fraction of the supply
    assert tmp.analog() == int((0.5 + 0.01 * celsius) * 1024 / 5)  # an Uno's analogRead
    stuck = world.add_part("tmp36", "stuck", faults={"stuck": 30.0})
    assert stuck.voltage(3.3) == pytest.approx(0.8)


def test_ldr_capacitor_charges_faster_in_brighter_light(world):
    ldr = world.add_part("light_sensor", "ldr")
    dark = ldr.charge_time()  # 06:00: 2 lux
    world.room.set_lamp("test", True)
    lamp = ldr.charge_time()
    world.clock.advance(6 * 3600)  # noon
    noon = ldr.charge_time()
    assert dark > 0.05 and 0.002 < lamp < 0.004 and 0.001 < noon < lamp


def test_ldr_capacitor_reads_high_once_charged(world):
    ldr = world.add_part("light_sensor", "ldr")
    edges = []
    ldr.add_listener(lambda part: edges.append((part.changed_at_us, part.level())))
    ldr.write(0)  # the pin empties the capacitor
    world.room.set_lamp("test", True)
    ldr.pin_released()  # and lets go: on a virtual clock the edge comes at once, stamped
    assert edges == [(round(ldr.charge_time() * 1_000_000), 1)]
    assert ldr.level() == 1


def test_hcsr04_echo_lasts_the_sound_round_trip(world):
    sonar = world.add_part("hcsr04", "sonar", distance=0.343)
    edges = []
    sonar.add_listener(lambda part: edges.append((part.changed_at_us, part.level())))
    sonar.write_extra("trigger", 1)
    world.clock.advance(0.00001)
    sonar.write_extra("trigger", 0)  # the falling edge sends the ping
    assert edges == [(260, 1), (260 + 2000, 0)]  # 0.343 m there and back: 2 ms
    assert sonar.pings == 1


@pytest.mark.parametrize("metres,width_us", [(0.01, 117), (4.0, 23324), (9.0, 38000)],
                         ids=["too-close", "farthest", "out-of-range"])
def test_hcsr04_range(world, metres, width_us):
    sonar = world.add_part("hcsr04", "sonar", distance=metres)
    edges = []
    sonar.add_listener(lambda part: edges.append(part.changed_at_us))
    sonar.write_extra("trigger", 1)
    sonar.write_extra("trigger", 0)
    assert edges[1] - edges[0] == width_us


def test_hcsr04_schedule_and_setter(world):
    sonar = world.add_part("hcsr04", "sonar", distance=2.0, schedule=[(10, 0.5), (20, 1.0)])
    assert [sonar.distance_at(t * 1_000_000) for t in (0, 10, 15, 25)] == [2.0, 0.5, 0.5, 1.0]
    world.clock.advance(12)
    sonar.distance = 0.3  # from now on: replaces the rest of the schedule
    assert sonar.distance_at(30_000_000) == 0.3
    with pytest.raises(ConfigError, match="metres"):
        sonar.distance = 0


def test_hcsr04_dropout_gives_no_echo(world):
    sonar = world.add_part("hcsr04", "sonar", faults={"dropout": 1.0})
    edges = []
    sonar.add_listener(lambda part: edges.append(part.level()))
    sonar.write_extra("trigger", 1)
    sonar.write_extra("trigger", 0)
    assert edges == [] and sonar.pings == 1


def test_mcp3008_answers_gpiozeros_three_bytes(world):
    adc = world.add_part("mcp3008", "adc")
    adc.connect(5, world.add_part("potentiometer", "knob", position=1.0))
    # gpiozero's request for channel 5, single-ended: start bit, SGL, D2 D1 D0 = 101
    assert adc.transfer([0b0000_0001, 0b1101_0000, 0]) == [0, 0b11, 0xFF]  # 1023
    assert adc.transfer([0b0000_0001, 0b1000_0000, 0]) == [0, 0, 0]  # CH0: nothing wired
    assert adc.last_channel == 0


def test_mcp3008_keeps_talking_lsb_first_and_needs_a_start_bit(world):
    adc = world.add_part("mcp3008", "adc")
    adc.connect(0, world.add_part("potentiometer", "knob", position=0.5))  # 512
    # the datasheet's other alignment: start bit first, then the result right after
    # (bit 6 of 32: the null bit; 7: B9 = 1; 8-16: B8..B0; then B1..B9 again, LSB first)
    bits = adc.transfer([0b1100_0000, 0, 0, 0])
    assert bits == [0b0000_0001, 0, 0, 0b0100_0000]
    assert adc.transfer([0, 0, 0]) == [0, 0, 0]  # no start bit: no conversion
    assert adc.conversions == 1


def test_mcp3008_only_takes_analog_parts_on_its_channels(world):
    adc = world.add_part("mcp3008", "adc")
    with pytest.raises(ConfigError, match="not an analog part"):
        adc.connect(0, world.add_part("led", "led"))
    with pytest.raises(ConfigError, match="CH0 to CH7"):
        adc.connect(8, world.add_part("tmp36", "t"))
