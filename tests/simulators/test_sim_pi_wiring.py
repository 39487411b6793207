"""The Pi's wiring: TOML files, built-in layouts, SIM_PI_WIRING, the `pi` command, and the
WiringWarning a gpiozero device gets on a pin wired to something else."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from gpiozero import (
    LED,
    MCP3008,
    PWMLED,
    Button,
    Buzzer,
    Device,
    DistanceSensor,
    LEDCharDisplay,
    MotionSensor,
    Motor,
    OutputDevice,
    Servo,
    TonalBuzzer,
    TrafficLights,
)

import simulators
from simulators import ConfigError, SimFactory
from simulators.cli import main
from simulators.pi import describe_wiring, device_kind, plan_pins
from simulators.wiring import (
    PI_WIRING,
    WiringWarning,
    load_pi_wiring,
    normalise_wiring,
    parse_pi_pin,
    pi_layouts,
)

MY_PI = """\
description = "a knob, a sonar and an LED"

[pins]
GPIO5 = { part = "led", name = "lamp_led" }
GPIO6 = { part = "hcsr04", name = "sonar", trigger = "GPIO13", distance = 0.8 }

[spi.CE0]
chip = "mcp3008"
name = "adc"
CH3 = { part = "potentiometer", name = "knob", position = 0.75 }
"""


# -- the wiring itself --------------------------------------------------------------------


def test_builtin_layouts_load_and_course_is_the_course_breadboard():
    names = pi_layouts()
    assert {"course", "recipes", "recipes-servo", "recipes-leds", "recipes-thermometer",
            "recipes-more", "fishdish", "traffic-hat"} <= set(names)
    for name in names:
        wiring = load_pi_wiring(name)
        assert wiring.description and plan_pins(wiring)
    course = load_pi_wiring("course")
    assert course.pins == normalise_wiring(PI_WIRING, parse_pi_pin)
    assert course.spi["CE0"]["chip"] == "mcp3008"


def test_a_wiring_file_puts_parts_on_its_pins(tmp_path, world, use_factory):
    path = tmp_path / "my_pi.toml"
    path.write_text(MY_PI)
    factory = use_factory(world.pi_factory(wiring=path))
    assert factory.wiring.name == "my_pi" and factory.wiring.source == f"wiring file {path}"
    assert set(factory.parts) == {"lamp_led", "sonar", "adc", "knob"}
    led = LED(5)
    led.on()
    assert factory.parts["lamp_led"].is_lit
    assert MCP3008(channel=3).value == pytest.approx(0.75, abs=0.002)
    assert factory.part_on(13) is factory.parts["sonar"]  # TRIG


@pytest.mark.parametrize("wiring", [
    {"GPIO5": {"part": "led", "name": "lamp_led"}},
    {"pins": {5: "led"}},
    {"description": "dict", "pins": {"BCM5": {"part": "led", "name": "lamp_led"}}},
], ids=["short", "pins-table", "with-description"])
def test_a_wiring_dict(world, use_factory, wiring):
    factory = use_factory(world.pi_factory(wiring=wiring))
    led = LED(5)
    led.on()
    assert factory.part_on(5).is_lit


def test_sim_pi_wiring_names_a_layout_for_gpiozeros_own_factory(monkeypatch):
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "sim")
    monkeypatch.setenv("SIM_CLOCK", "virtual")
    monkeypatch.setenv("SIM_PI_WIRING", "recipes-servo")
    Device.pin_factory = None
    try:
        servo = Servo(17)  # no WiringWarning: warnings are errors here
        servo.max()
        assert Device.pin_factory.wiring.name == "recipes-servo"
        assert Device.pin_factory.parts["servo"].angle == 180.0
    finally:
        Device.pin_factory.close()
        Device.pin_factory = None


def test_sim_pi_wiring_names_a_file(monkeypatch, tmp_path, world, use_factory):
    path = tmp_path / "my_pi.toml"
    path.write_text(MY_PI)
    monkeypatch.setenv("SIM_PI_WIRING", str(path))
    assert use_factory(world.pi_factory()).wiring.name == "my_pi"


def test_without_sim_pi_wiring_the_course_wiring(monkeypatch, world, use_factory):
    monkeypatch.delenv("SIM_PI_WIRING", raising=False)
    assert use_factory(world.pi_factory()).wiring.name == "course"


BAD_WIRINGS = {
    "unknown-part": ('[pins]\nGPIO17 = { part = "ledd" }', ["GPIO17", "unknown part 'ledd'",
                                                            "known parts"]),
    "bad-pin": ('[pins]\nGPIO40 = { part = "led" }', ["GPIO40", "0-27"]),
    "pin-twice": ('[pins]\nGPIO17 = { part = "led" }\n17 = { part = "buzzer" }',
                  ["wired twice"]),
    "same-name": ('[pins]\nGPIO17 = { part = "led", name = "x" }\n'
                  'GPIO18 = { part = "led", name = "x" }', ["two parts are named 'x'"]),
    "analog-on-gpio": ('[pins]\nGPIO5 = { part = "potentiometer" }',
                       ["GPIO5", "no analog inputs", "MCP3008", "[spi.CE0]"]),
    "digital-on-adc": ('[spi.CE0]\nCH0 = { part = "led" }', ["[spi.CE0] CH0", "not analog"]),
    "part-on-spi-pin": ('[pins]\nGPIO10 = { part = "led" }\n[spi.CE0]\nchip = "mcp3008"',
                        ["GPIO10", "SPI0 MOSI", "move that part"]),
    "no-trigger": ('[pins]\nGPIO23 = { part = "hcsr04" }', ["GPIO23", "trigger", "add"]),
    "trigger-taken": ('[pins]\nGPIO23 = { part = "hcsr04", trigger = "GPIO17" }\n'
                      'GPIO17 = { part = "led" }', ["GPIO17", "already"]),
    "bad-select": ('[spi.CE2]\nchip = "mcp3008"', ["[spi.CE2]", "CE0 (GPIO8)"]),
    "bad-channel": ('[spi.CE0]\nCH8 = { part = "tmp36" }', ["CH0 to CH7", "CH8"]),
    "bad-option": ('[pins]\nGPIO17 = { part = "led", colour = "red" }',
                   ["GPIO17", "bad options for led", "colour"]),
    "bad-value": ('[pins]\nGPIO23 = { part = "hcsr04", trigger = 24, distance = -1 }',
                  ["GPIO23", "positive number of metres"]),
    "not-toml": ('[pins]\nGPIO17 = { part = "led"', ["not valid TOML", "Unclosed"]),
    "unknown-section": ('[pin]\nGPIO17 = "led"', ["[pins]"]),
    "unknown-section-2": ('[pins]\nGPIO17 = "led"\n[bus]\nx = 1', ["unknown section 'bus'"]),
}


@pytest.mark.parametrize("name", sorted(BAD_WIRINGS))
def test_wiring_errors_name_the_file_the_pin_and_the_fix(tmp_path, world, name):
    text, phrases = BAD_WIRINGS[name]
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        world.pi_factory(wiring=path)
    message = str(error.value)
    assert message.startswith(f"wiring file {path}")
    for phrase in phrases:
        assert phrase in message
    assert world.boards == {}


def test_an_unknown_layout_lists_the_builtin_ones():
    with pytest.raises(ConfigError, match="not a built-in layout .*course, fishdish, recipes"):
        load_pi_wiring("recipe")


# -- python -m simulators pi ----------------------------------------------------------------


def test_cli_pi_prints_the_wiring_as_a_table(capsys, tmp_path):
    assert main(["pi", "--wiring", "recipes"]) == 0
    out = capsys.readouterr().out
    for text in ("Built-in wiring 'recipes'", "GPIO23  hcsr04 (echo)", "GPIO24  hcsr04 (trigger)",
                 "trigger=GPIO24", "GPIO18  light_sensor", "SPI0 (SCLK GPIO11", "CE0 (GPIO8)",
                 "CH0", "potentiometer", "built-in wirings: course"):
        assert text in out
    path = tmp_path / "my_pi.toml"
    path.write_text(MY_PI)
    assert main(["pi", "--wiring", str(path)]) == 0
    out = capsys.readouterr().out
    assert "a knob, a sonar and an LED" in out and "CH3" in out and "position=0.75" in out


def test_cli_pi_shows_sim_pi_wiring_and_fails_on_a_bad_file(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("SIM_PI_WIRING", "recipes-servo")
    assert main(["pi"]) == 0
    assert "GPIO17  servo" in capsys.readouterr().out
    path = tmp_path / "bad.toml"
    path.write_text('[pins]\nGPIO5 = { part = "knob" }')
    assert main(["pi", "--wiring", str(path)]) == 1
    assert "GPIO5: unknown part 'knob'" in capsys.readouterr().err


def test_cli_pi_has_help_with_an_example(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["pi", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "example" in out and "python -m simulators pi --wiring recipes" in out


def test_describe_wiring_of_an_empty_spi_layout():
    text = describe_wiring(load_pi_wiring("recipes-thermometer"))
    assert "(no GPIO pins wired)" in text and "tmp36" in text


# -- the WiringWarning ----------------------------------------------------------------------


def test_a_device_that_fits_its_pin_gives_no_warning(pi):
    # warnings are errors in these tests: any WiringWarning would fail this test
    LED(17).close()
    PWMLED(17).close()
    Button(2)
    MotionSensor(4)
    Servo(18)
    OutputDevice(27)
    OutputDevice(24)
    TonalBuzzer(22).close()
    Buzzer(22)
    MCP3008(channel=2)


def test_a_servo_on_the_leds_pin_warns_once_and_names_a_wiring(world, use_factory):
    factory = use_factory(world.pi_factory(wiring="recipes"))
    with pytest.warns(WiringWarning) as caught:
        servo = Servo(17)
    message = str(caught[0].message)
    assert message.startswith("GPIO17 is wired to an LED ('led'), but a Servo was created")
    assert "SIM_PI_WIRING=recipes-servo" in message
    assert "python -m simulators pi --wiring recipes" in message
    assert caught[0].filename == __file__  # it points at the line that made the Servo
    servo.close()
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        servo = Servo(17)
    assert again == []  # once per pin
    servo.mid()
    assert factory.parts["led"].brightness > 0  # the servo's pulses still reach the LED


def test_a_character_display_on_the_course_warns_about_the_lamp_relay(pi, world):
    with pytest.warns(WiringWarning) as caught:
        display = LEDCharDisplay(21, 20, 16, 22, 23, 24, 12, dp=25)
    messages = {str(w.message).split(" ")[0]: str(w.message) for w in caught}
    assert set(messages) == {"GPIO21", "GPIO20", "GPIO16", "GPIO22", "GPIO23", "GPIO24",
                             "GPIO12", "GPIO25"}
    assert messages["GPIO24"].startswith("GPIO24 is wired to a relay ('lamp'), but an "
                                         "LEDCharDisplay was created on it")
    assert "SIM_PI_WIRING=recipes-leds" in messages["GPIO24"]
    assert "nothing wired" in messages["GPIO21"] and "drives nothing" in messages["GPIO21"]
    display.value = "8"
    assert world.room.lamp_on  # it still switches the relay: the warning said so


def test_traffic_lights_on_the_course_warn_with_the_composite_name(pi):
    with pytest.warns(WiringWarning) as caught:
        TrafficLights(2, 3, 4)
    first = str(caught[0].message)
    assert first.startswith("GPIO2 is wired to a button ('button'), but a TrafficLights was")
    assert "SIM_PI_WIRING=recipes-leds" in first


@pytest.mark.filterwarnings("ignore::gpiozero.exc.DistanceSensorNoEcho")  # a DHT22 is mute
def test_a_distance_sensor_on_the_course_warns_for_echo_and_trigger(pi):
    with pytest.warns(Warning) as caught:
        sensor = DistanceSensor(23, 24)
    wiring = [str(w.message) for w in caught if w.category is WiringWarning]
    assert wiring[0].startswith("GPIO23 is wired to a DHT22 sensor ('dht'), but a "
                                "DistanceSensor was created")
    assert wiring[1].startswith("GPIO24 is wired to a relay ('lamp'), but a DistanceSensor")
    assert all("SIM_PI_WIRING=recipes" in message for message in wiring)
    sensor._queue.stop()  # gpiozero 2.0.1 closes its trigger before its thread
    sensor.close()


def test_motors_have_no_part(world, use_factory):
    use_factory(world.pi_factory(wiring="recipes"))
    with pytest.warns(WiringWarning, match="has nothing wired.*no part for a motor") as caught:
        Motor(14, 15)  # unwired in the recipes layout
    assert [str(w.message)[:6] for w in caught] == ["GPIO14", "GPIO15"]


def test_an_mcp3008_with_no_chip_on_spi_warns_and_reads_zero(world, use_factory):
    use_factory(world.pi_factory(wiring="recipes-servo"))
    with pytest.warns(WiringWarning, match="nothing is wired to SPI0 CE0 .*recipes"):
        adc = MCP3008(channel=0)
    assert adc.raw_value == 0


def test_an_unwired_adc_channel_warns_and_reads_zero(pi):
    adc = MCP3008(channel=6)
    with pytest.warns(WiringWarning, match="CH6 of the MCP3008 'adc' on SPI0 CE0 has nothing"):
        assert adc.raw_value == 0


def test_device_kind_looks_through_composites(pi):
    seen = []
    real = SimFactory._check_fit

    def spy(self, pin, requester):
        seen.append((pin, device_kind(requester)))
        return real(self, pin, requester)

    SimFactory._check_fit = spy
    try:
        Servo(18)
        Button(2)
        OutputDevice(27)
    finally:
        SimFactory._check_fit = real
    assert seen == [(18, ("servo", "Servo")), (2, ("button", "Button")),
                    (27, ("output", "OutputDevice"))]


def test_warning_class_is_a_user_warning():
    assert issubclass(WiringWarning, UserWarning)
    assert simulators.pi.WiringWarning is WiringWarning


def test_the_readmes_example_wiring_loads(tmp_path, world, use_factory):
    readme = (Path(simulators.__file__).parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "desk.toml"
    path.write_text(example)
    factory = use_factory(world.pi_factory(wiring=path))
    assert {"led", "heater", "sonar", "button", "adc", "knob", "light",
            "thermometer"} == set(factory.parts)
    assert "GPIO24  hcsr04 (trigger)" in describe_wiring(factory.wiring)
