"""The Pi's analog and timing parts through real gpiozero: the MCP3008 on SPI (potentiometer,
photoresistor, TMP36), LightSensor (an LDR charging a capacitor), DistanceSensor (HC-SR04)."""

from __future__ import annotations

import time

import pytest
from gpiozero import MCP3008, DistanceSensor, LightSensor
from gpiozero.exc import PWMSoftwareFallback

from simulators import World
from simulators.pi import NotSimulatedError, SimSPI

SONAR = {"pins": {"GPIO23": {"part": "hcsr04", "name": "sonar", "trigger": "GPIO24"}}}


@pytest.fixture
def pi_in(use_factory):
    """``pi_in(world, wiring)``: gpiozero's factory for a Pi in ``world``; closed after."""
    return lambda world, wiring="course": use_factory(world.pi_factory(wiring=wiring))


def wait_until(predicate, timeout=5.0):
    """Wait (wall time) for gpiozero's sampling thread to catch up."""
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "gpiozero never caught up"
        time.sleep(0.01)


def full(device):
    """``device`` once gpiozero's sampling thread has filled its queue (its ``value`` would
    wait forever if the thread had stopped)."""
    assert device._queue.full.wait(10), "gpiozero's sampling thread stopped"
    return device


def distance_sensor(**options) -> DistanceSensor:
    with pytest.warns(PWMSoftwareFallback):  # gpiozero says this on every non-pigpio factory
        return DistanceSensor(23, 24, **options)


def close_distance_sensor(sensor: DistanceSensor) -> None:
    sensor._queue.stop()  # gpiozero 2.0.1 closes its trigger before its sampling thread
    sensor.close()


# -- MCP3008 ------------------------------------------------------------------------------


@pytest.mark.parametrize("position", [0.0, 0.25, 0.5, 1.0])
def test_mcp3008_reads_the_knob_through_gpiozeros_own_spi_request(pi, position):
    pi.parts["knob"].turn(position)
    knob = MCP3008(channel=0)
    assert knob.value == pytest.approx(position, abs=0.002)
    assert isinstance(knob._spi, SimSPI)  # the factory's hardware SPI, not bit-banged


def test_mcp3008_channels_share_one_spi_device(pi):
    knob, light = MCP3008(channel=0), MCP3008(channel=1)
    assert knob._spi is light._spi  # gpiozero shares the bus per chip select
    knob.close()
    assert 0 < light.raw_value < 1023


def test_photoresistor_on_the_mcp3008_sees_the_lamp(pi, world):
    light = MCP3008(channel=1)
    dark = light.value
    world.room.set_lamp("test", True)
    assert light.value > dark + 0.3


def test_tmp36_thermometer_recipe_formula_gives_the_room_temperature(pi, world):
    adc = MCP3008(channel=2)

    def celsius():
        return (adc.value * 3.3 - 0.5) * 100  # gpiozero's thermometer recipe

    assert celsius() == pytest.approx(world.room.temperature(), abs=0.4)
    world.room.set_heater("test", True)
    world.clock.advance(1800)
    assert celsius() == pytest.approx(world.room.temperature(), abs=0.4)
    assert celsius() > 24


def test_mcp3008_differential_reads_the_difference(world, pi_in):
    pi_in(world, {"spi": {"CE0": {"CH0": {"part": "potentiometer", "name": "a", "position": 0.8},
                                  "CH1": {"part": "potentiometer", "name": "b",
                                          "position": 0.3}}}})
    assert MCP3008(channel=0, differential=True).value == pytest.approx(0.5, abs=0.003)
    assert MCP3008(channel=1, differential=True).raw_value == 0  # b - a < 0


def test_mcp3008_on_ce1(world, pi_in):
    factory = pi_in(world, {"spi": {"CE1": {"name": "adc1", "vref": 5.0,
                                            "CH7": {"part": "tmp36", "name": "t"}}}})
    adc = MCP3008(channel=7, device=1, max_voltage=5.0)
    assert adc.voltage == pytest.approx(0.5 + 0.01 * world.room.temperature(), abs=0.006)
    assert factory.parts["adc1"].conversions == 1


def test_software_spi_is_not_simulated_and_says_what_to_do(pi):
    with pytest.raises(NotSimulatedError, match="GPIO11.*MCP3008\\(channel=0\\)") as error:
        MCP3008(channel=0, clock_pin=21, mosi_pin=20, miso_pin=19, select_pin=16)
    assert isinstance(error.value, NotImplementedError)


# -- LightSensor ----------------------------------------------------------------------------


def test_light_sensor_follows_the_rooms_light_on_a_virtual_clock(world, pi_in):
    factory = pi_in(world, "recipes")  # LightSensor(18); the world starts at 06:00, dark
    sensor = full(LightSensor(18))
    assert sensor.value == 0 and not sensor.light_detected
    world.room.set_lamp("test", True)
    wait_until(lambda: sensor.light_detected)
    lamp = sensor.value
    world.clock.advance(6 * 3600)  # noon: daylight and the lamp, brighter still
    wait_until(lambda: sensor.value > lamp + 0.05)
    world.room.set_lamp("test", False)
    world.clock.advance(12 * 3600)  # midnight, lamp off
    wait_until(lambda: not sensor.light_detected)
    assert factory.parts["light"].charge_time() > sensor.charge_time_limit
    sensor.close()


def test_light_sensor_value_is_one_minus_the_charge_time_over_the_limit(world, pi_in):
    factory = pi_in(world, "recipes")
    world.room.set_lamp("test", True)
    sensor = full(LightSensor(18))
    expected = 1 - factory.parts["light"].charge_time() / sensor.charge_time_limit
    assert sensor.value == pytest.approx(expected, abs=2e-4)  # simulated time: to the µs
    sensor.close()


def test_light_sensor_on_a_realtime_clock(pi_in):
    with World(seed=1, clock="realtime") as world:
        factory = pi_in(world, "recipes")
        world.room.set_lamp("test", True)
        sensor = full(LightSensor(18))
        expected = 1 - factory.parts["light"].charge_time() / sensor.charge_time_limit
        # The edge comes from the clock's thread; on a loaded machine it may come after
        # gpiozero stopped waiting (10 ms), and that sample reads 0, as on a busy Pi.
        assert sensor.light_detected and sensor.value <= expected + 0.001
        sensor.close()
        factory.close()


# -- DistanceSensor -------------------------------------------------------------------------


def test_distance_sensor_measures_the_distance_on_a_virtual_clock(world, pi_in):
    factory = pi_in(world, SONAR)
    sonar = factory.parts["sonar"]
    sonar.distance = 0.42
    sensor = full(distance_sensor(max_distance=2))
    assert sensor.distance == pytest.approx(0.42, abs=0.001)
    sonar.distance = 1.5
    wait_until(lambda: sensor.distance == pytest.approx(1.5, abs=0.003))
    sonar.distance = 3.5  # beyond max_distance: value 1
    wait_until(lambda: sensor.value == 1.0)
    close_distance_sensor(sensor)


def test_distance_sensor_follows_a_schedule(world, pi_in):
    factory = pi_in(world, {"GPIO23": {"part": "hcsr04", "name": "sonar", "trigger": 24,
                                       "distance": 0.9, "schedule": [[60, 0.2]]}})
    sensor = full(distance_sensor())
    assert sensor.distance == pytest.approx(0.9, abs=0.002)
    world.clock.advance(61)
    wait_until(lambda: sensor.in_range)  # 0.2 m is within the 0.3 m threshold
    assert factory.parts["sonar"].pings > 9
    close_distance_sensor(sensor)


@pytest.mark.filterwarnings("ignore::gpiozero.exc.DistanceSensorNoEcho")
def test_distance_sensor_on_a_realtime_clock(pi_in):
    # The echo comes from the clock's thread; on a loaded machine it may come later than
    # gpiozero's 0.1 s and gpiozero drops that sample with a warning, as on a busy Pi.
    with World(seed=1, clock="realtime") as world:
        factory = pi_in(world, SONAR)
        factory.parts["sonar"].distance = 0.6
        sensor = full(distance_sensor())
        assert sensor.distance == pytest.approx(0.6, abs=0.002)
        close_distance_sensor(sensor)
        factory.close()
