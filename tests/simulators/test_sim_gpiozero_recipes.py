"""gpiozero's documented recipes, run unchanged on the simulated Pi.

Each recipe below is, verbatim, a file of gpiozero's "Basic Recipes" chapter
(gpiozero 2.0.1.post3, docs/examples/, BSD-3-Clause licence;
https://gpiozero.readthedocs.io/en/stable/recipes.html). The chapter has 56 recipes:
:data:`RECIPES` holds the 40 that run here, :data:`NOT_RUN` the 16 that cannot, with the
reason. Only the wiring is chosen, by ``SimFactory(wiring=...)`` or ``SIM_PI_WIRING``.

How the harness runs a recipe that loops forever (:class:`RecipeRun`): the recipe runs in
its own thread. ``from time import sleep`` and ``from signal import pause`` give it a
``sleep`` that lets simulated time pass and a ``pause`` that waits until the run ends;
``random`` is seeded and ``print`` is recorded. A trace function ends the recipe at its
next line once the run is over, and on a virtual clock charges each line 0.1 ms of
simulated time, so a busy loop lets time pass the way it does on a Pi. Two ways to end:

* ``seconds=N``: the recipe runs N simulated seconds; hand actions are scheduled on the
  clock (``run.at(t, ...)``). On a virtual clock that takes no real time.
* no ``seconds``: the test plays the hand (press a button, switch the lamp), waits for the
  recipe to react, and calls ``run.finish()``. This is how recipes that wait inside
  gpiozero run on a virtual clock (``wait_for_press``, ``LightSensor``, ``source``):
  gpiozero's own timers (``blink``, ``pulse``, ``hold_time``, ``source_delay``, sensor
  sampling) run on the wall clock, in gpiozero's threads.

A few recipes need those wall-clock timers and simulated time together (``blink``,
``pulse``, a ``source`` generator that sleeps): they run on a realtime clock for a second
or two.
"""

from __future__ import annotations

import builtins
import random
import sys
import threading
import time
import types
from collections.abc import Callable
from typing import Any

import pytest
from gpiozero import Device, DistanceSensor

from simulators import World
from simulators.clock import seconds_to_us

# --8<-- the recipes, verbatim from gpiozero's docs/examples (do not edit) -----------------

RECIPES = {
    "led_1": """\
from gpiozero import LED
from time import sleep

red = LED(17)

while True:
    red.on()
    sleep(1)
    red.off()
    sleep(1)
""",
    "led_2": """\
from gpiozero import LED
from signal import pause

red = LED(17)

red.blink()

pause()
""",
    "led_variable_brightness": """\
from gpiozero import PWMLED
from time import sleep

led = PWMLED(17)

while True:
    led.value = 0  # off
    sleep(1)
    led.value = 0.5  # half brightness
    sleep(1)
    led.value = 1  # full brightness
    sleep(1)
""",
    "led_pulse": """\
from gpiozero import PWMLED
from signal import pause

led = PWMLED(17)

led.pulse()

pause()
""",
    "button_1": """\
from gpiozero import Button

button = Button(2)

while True:
    if button.is_pressed:
        print("Button is pressed")
    else:
        print("Button is not pressed")
""",
    "button_2": """\
from gpiozero import Button

button = Button(2)

button.wait_for_press()
print("Button was pressed")
""",
    "button_3": """\
from gpiozero import Button
from signal import pause

def say_hello():
    print("Hello!")

button = Button(2)

button.when_pressed = say_hello

pause()
""",
    "button_4": """\
from gpiozero import Button
from signal import pause

def say_hello():
    print("Hello!")

def say_goodbye():
    print("Goodbye!")

button = Button(2)

button.when_pressed = say_hello
button.when_released = say_goodbye

pause()
""",
    "button_led_1": """\
from gpiozero import LED, Button
from signal import pause

led = LED(17)
button = Button(2)

button.when_pressed = led.on
button.when_released = led.off

pause()
""",
    "button_led_2": """\
from gpiozero import LED, Button
from signal import pause

led = LED(17)
button = Button(2)

led.source = button

pause()
""",
    "button_shutdown": """\
from gpiozero import Button
from subprocess import check_call
from signal import pause

def shutdown():
    check_call(['sudo', 'poweroff'])

shutdown_btn = Button(17, hold_time=2)
shutdown_btn.when_held = shutdown

pause()
""",
    "led_board_1": """\
from gpiozero import LEDBoard
from time import sleep
from signal import pause

leds = LEDBoard(5, 6, 13, 19, 26)

leds.on()
sleep(1)
leds.off()
sleep(1)
leds.value = (1, 0, 1, 0, 1)
sleep(1)
leds.blink()

pause()
""",
    "led_board_2": """\
from gpiozero import LEDBoard
from signal import pause

leds = LEDBoard(5, 6, 13, 19, 26, pwm=True)

leds.value = (0.2, 0.4, 0.6, 0.8, 1.0)

pause()
""",
    "led_bargraph_1": """\
from gpiozero import LEDBarGraph
from time import sleep

graph = LEDBarGraph(5, 6, 13, 19, 26, 20)

graph.value = 1  # (1, 1, 1, 1, 1, 1)
sleep(1)
graph.value = 1/2  # (1, 1, 1, 0, 0, 0)
sleep(1)
graph.value = -1/2  # (0, 0, 0, 1, 1, 1)
sleep(1)
graph.value = 1/4  # (1, 0, 0, 0, 0, 0)
sleep(1)
graph.value = -1  # (1, 1, 1, 1, 1, 1)
sleep(1)
""",
    "led_bargraph_2": """\
from gpiozero import LEDBarGraph
from time import sleep

graph = LEDBarGraph(5, 6, 13, 19, 26, pwm=True)

graph.value = 1/10  # (0.5, 0, 0, 0, 0)
sleep(1)
graph.value = 3/10  # (1, 0.5, 0, 0, 0)
sleep(1)
graph.value = -3/10  # (0, 0, 0, 0.5, 1)
sleep(1)
graph.value = 9/10  # (1, 1, 1, 1, 0.5)
sleep(1)
graph.value = 95/100  # (1, 1, 1, 1, 0.75)
sleep(1)
""",
    "led_char_display": """\
from gpiozero import LEDCharDisplay
from time import sleep

display = LEDCharDisplay(21, 20, 16, 22, 23, 24, 12, dp=25)

for char in '321GO':
    display.value = char
    sleep(1)

display.off()
""",
    "led_char_source": """\
from gpiozero import LEDCharDisplay
from signal import pause

display = LEDCharDisplay(21, 20, 16, 22, 23, 24, 12, dp=25)
display.source_delay = 1
display.source = '321GO '

pause()
""",
    "traffic_lights_1": """\
from gpiozero import TrafficLights
from time import sleep

lights = TrafficLights(2, 3, 4)

lights.green.on()

while True:
    sleep(10)
    lights.green.off()
    lights.amber.on()
    sleep(1)
    lights.amber.off()
    lights.red.on()
    sleep(10)
    lights.amber.on()
    sleep(1)
    lights.green.on()
    lights.amber.off()
    lights.red.off()
""",
    "traffic_lights_2": """\
from gpiozero import TrafficLights
from time import sleep
from signal import pause

lights = TrafficLights(2, 3, 4)

def traffic_light_sequence():
    while True:
        yield (0, 0, 1) # green
        sleep(10)
        yield (0, 1, 0) # amber
        sleep(1)
        yield (1, 0, 0) # red
        sleep(10)
        yield (1, 1, 0) # red+amber
        sleep(1)

lights.source = traffic_light_sequence()

pause()
""",
    "traffic_lights_3": """\
from gpiozero import LED
from time import sleep

red = LED(2)
amber = LED(3)
green = LED(4)

green.on()
amber.off()
red.off()

while True:
    sleep(10)
    green.off()
    amber.on()
    sleep(1)
    amber.off()
    red.on()
    sleep(10)
    amber.on()
    sleep(1)
    green.on()
    amber.off()
    red.off()
""",
    "reaction_game": """\
from gpiozero import Button, LED
from time import sleep
import random

led = LED(17)

player_1 = Button(2)
player_2 = Button(3)

time = random.uniform(5, 10)
sleep(time)
led.on()

while True:
    if player_1.is_pressed:
        print("Player 1 wins!")
        break
    if player_2.is_pressed:
        print("Player 2 wins!")
        break

led.off()
""",
    "all_on_1": """\
from gpiozero import FishDish
from signal import pause

fish = FishDish()

fish.button.when_pressed = fish.on
fish.button.when_released = fish.off

pause()
""",
    "all_on_2": """\
from gpiozero import TrafficHat
from signal import pause

th = TrafficHat()

th.button.when_pressed = th.on
th.button.when_released = th.off

pause()
""",
    "all_on_3": """\
from gpiozero import LED, Buzzer, Button
from signal import pause

button = Button(2)
buzzer = Buzzer(3)
red = LED(4)
amber = LED(5)
green = LED(6)

things = [red, amber, green, buzzer]

def things_on():
    for thing in things:
        thing.on()

def things_off():
    for thing in things:
        thing.off()

button.when_pressed = things_on
button.when_released = things_off

pause()
""",
    "rgbled": """\
from gpiozero import RGBLED
from time import sleep

led = RGBLED(red=9, green=10, blue=11)

led.red = 1  # full red
sleep(1)
led.red = 0.5  # half red
sleep(1)

led.color = (0, 1, 0)  # full green
sleep(1)
led.color = (1, 0, 1)  # magenta
sleep(1)
led.color = (1, 1, 0)  # yellow
sleep(1)
led.color = (0, 1, 1)  # cyan
sleep(1)
led.color = (1, 1, 1)  # white
sleep(1)

led.color = (0, 0, 0)  # off
sleep(1)

# slowly increase intensity of blue
for n in range(100):
    led.blue = n/100
    sleep(0.1)
""",
    "motion_sensor": """\
from gpiozero import MotionSensor, LED
from signal import pause

pir = MotionSensor(4)
led = LED(16)

pir.when_motion = led.on
pir.when_no_motion = led.off

pause()
""",
    "light_sensor_1": """\
from gpiozero import LightSensor

sensor = LightSensor(18)

while True:
    sensor.wait_for_light()
    print("It's light! :)")
    sensor.wait_for_dark()
    print("It's dark :(")
""",
    "light_sensor_2": """\
from gpiozero import LightSensor, LED
from signal import pause

sensor = LightSensor(18)
led = LED(16)

sensor.when_dark = led.on
sensor.when_light = led.off

pause()
""",
    "light_sensor_3": """\
from gpiozero import LightSensor, PWMLED
from signal import pause

sensor = LightSensor(18)
led = PWMLED(16)

led.source = sensor

pause()
""",
    "distance_sensor_1": """\
from gpiozero import DistanceSensor
from time import sleep

sensor = DistanceSensor(23, 24)

while True:
    print('Distance to nearest object is', sensor.distance, 'm')
    sleep(1)
""",
    "distance_sensor_2": """\
from gpiozero import DistanceSensor, LED
from signal import pause

sensor = DistanceSensor(23, 24, max_distance=1, threshold_distance=0.2)
led = LED(16)

sensor.when_in_range = led.on
sensor.when_out_of_range = led.off

pause()
""",
    "servo_1": """\
from gpiozero import Servo
from time import sleep

servo = Servo(17)

while True:
    servo.min()
    sleep(2)
    servo.mid()
    sleep(2)
    servo.max()
    sleep(2)
""",
    "servo_2": """\
from gpiozero import Servo, Button

servo = Servo(17)
btn = Button(14)

while True:
    servo.min()
    btn.wait_for_press()
    servo.max()
    btn.wait_for_press()
""",
    "servo_sweep": """\
from gpiozero import Servo
from gpiozero.tools import sin_values
from signal import pause

servo = Servo(17)

servo.source = sin_values()
servo.source_delay = 0.1

pause()
""",
    "angular_servo": """\
from gpiozero import AngularServo
from time import sleep

servo = AngularServo(17, min_angle=-90, max_angle=90)

while True:
    servo.angle = -90
    sleep(2)
    servo.angle = -45
    sleep(2)
    servo.angle = 0
    sleep(2)
    servo.angle = 45
    sleep(2)
    servo.angle = 90
    sleep(2)
""",
    "pot_1": """\
from gpiozero import MCP3008

pot = MCP3008(channel=0)

while True:
    print(pot.value)
""",
    "pot_2": """\
from gpiozero import LEDBarGraph, MCP3008
from signal import pause

graph = LEDBarGraph(5, 6, 13, 19, 26, pwm=True)
pot = MCP3008(channel=0)

graph.source = pot

pause()
""",
    "thermometer": """\
from gpiozero import MCP3008
from time import sleep

def convert_temp(gen):
    for value in gen:
        yield (value * 3.3 - 0.5) * 100

adc = MCP3008(channel=0)

for temp in convert_temp(adc.values):
    print('The temperature is', temp, 'C')
    sleep(1)
""",
    "rgbled_pot_1": """\
from gpiozero import RGBLED, MCP3008

led = RGBLED(red=2, green=3, blue=4)
red_pot = MCP3008(channel=0)
green_pot = MCP3008(channel=1)
blue_pot = MCP3008(channel=2)

while True:
    led.red = red_pot.value
    led.green = green_pot.value
    led.blue = blue_pot.value
""",
    "rgbled_pot_2": """\
from gpiozero import RGBLED, MCP3008
from gpiozero.tools import zip_values
from signal import pause

led = RGBLED(2, 3, 4)
red_pot = MCP3008(0)
green_pot = MCP3008(1)
blue_pot = MCP3008(2)

led.source = zip_values(red_pot, green_pot, blue_pot)

pause()
""",
}

# --8<-- end of the recipes -------------------------------------------------------------

#: The Basic Recipes that cannot run on the simulated Pi, and why.
NOT_RUN = {
    "button_camera_1": "needs the camera module (picamera)",
    "button_camera_2": "needs the camera module (picamera)",
    "button_stop_motion": "needs the camera module (picamera)",
    "music_box": "needs pygame and sound files",
    "color_picker": "needs a rotary encoder (no simulated part) and colorzero",
    "motor": "drives a motor: there is no simulated motor",
    "robot_1": "drives motors: there is no simulated motor",
    "robot_2": "drives motors: there is no simulated motor",
    "robot_buttons_1": "drives motors: there is no simulated motor",
    "robot_keyboard_1": "drives motors, and reads the keyboard with curses",
    "robot_keyboard_2": "drives motors, and reads a keyboard device with evdev",
    "robot_motion_1": "drives motors: there is no simulated motor",
    "robot_motion_2": "drives motors: there is no simulated motor",
    "timed_heat_lamp": "needs an Energenie radio socket and the wall clock's time of day",
    "internet_status_indicator": "pings google.com (the network)",
    "cpu_temperature_bar_graph": "reads the Pi's CPU temperature from /sys",
}


class RecipeDone(Exception):
    """Raised inside a recipe to end it (they loop forever)."""


class RecipeRun:
    """One recipe running on a simulated Pi in its own thread (see the module docstring).

    :param name: a key of :data:`RECIPES`.
    :param wiring: the Pi's wiring (a built-in layout's name or a dict).
    :param clock: ``"virtual"`` or ``"realtime"``; ``speed`` for realtime.
    :param seconds: run this many simulated seconds; None: until :meth:`finish`.
    """

    LINE_COST = 0.0001  # simulated seconds each recipe line takes on a virtual clock

    def __init__(self, name: str, *, wiring: Any, clock: str = "virtual", speed: float = 1.0,
                 seconds: float | None = None, seed: int = 1) -> None:
        self.name = name
        self.filename = f"<gpiozero recipe {name}>"
        self.world = World(seed=seed, clock=clock, speed=speed)
        self.clock = self.world.clock
        self.factory = self.world.pi_factory(wiring=wiring)
        Device.pin_factory = self.factory
        self.deadline = seconds
        self.printed: list[str] = []
        self.calls: list[Any] = []
        self.errors: list[BaseException] = []
        self.stopping = threading.Event()
        self.paused = threading.Event()  # the recipe reached pause(): set-up is done
        self.thread = threading.Thread(target=self._run, name=f"recipe-{name}", daemon=True)
        self.namespace: dict[str, Any] = {"__name__": "__recipe__",
                                          "__builtins__": self._builtins(seed)}

    @property
    def parts(self) -> dict[str, Any]:
        return self.factory.parts

    # -- what the recipe sees -------------------------------------------------------------

    def _builtins(self, seed: int) -> dict[str, Any]:
        rng = random.Random(seed)
        modules = {
            "time": self._module("time", vars(time), sleep=self._sleep),
            "signal": self._module("signal", {}, pause=self._pause),
            "random": self._module("random", {}, uniform=rng.uniform, randint=rng.randint,
                                   random=rng.random, choice=rng.choice),
            "subprocess": self._module("subprocess", {}, check_call=self._check_call),
        }

        def import_(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (),
                    level: int = 0) -> Any:
            if name in modules:
                return modules[name]
            return builtins.__import__(name, globals, locals, fromlist, level)

        return {**vars(builtins), "__import__": import_, "print": self._print}

    @staticmethod
    def _module(name: str, base: dict[str, Any], **overrides: Any) -> types.ModuleType:
        module = types.ModuleType(name)
        module.__dict__.update({k: v for k, v in base.items() if not k.startswith("__")})
        module.__dict__.update(overrides)
        return module

    def _in_recipe(self) -> bool:
        return threading.current_thread() is self.thread

    def _sleep(self, seconds: float) -> None:
        if not self._in_recipe():
            self.clock.advance(seconds)  # a recipe's generator sleeps in gpiozero's thread
            return
        end = self.clock.now() + seconds
        if self.deadline is not None:
            end = min(end, self.deadline)
        self.clock.run_until(seconds_to_us(end), self.stopping.is_set)  # finish() wakes it
        if self.stopping.is_set() or (self.deadline is not None and end >= self.deadline):
            raise RecipeDone

    def _pause(self) -> None:
        self.paused.set()
        if self.deadline is not None:
            self.clock.advance(max(0.0, self.deadline - self.clock.now()))
        else:
            self.stopping.wait()
        raise RecipeDone

    def _print(self, *args: Any, **kwargs: Any) -> None:
        self.printed.append(" ".join(str(arg) for arg in args))

    def _check_call(self, args: Any, **kwargs: Any) -> int:
        self.calls.append(list(args))  # the shutdown recipe's `sudo poweroff`: recorded
        return 0

    def _trace(self, frame: Any, event: str, arg: Any) -> Any:
        return self._trace_line if frame.f_code.co_filename == self.filename else None

    def _trace_line(self, frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            if self.clock.virtual and self.deadline is not None:
                self.clock.advance(self.LINE_COST)
            if self.stopping.is_set() or (self.deadline is not None
                                          and self.clock.now() >= self.deadline):
                raise RecipeDone
        return self._trace_line

    def _run(self) -> None:
        code = compile(RECIPES[self.name], self.filename, "exec")
        sys.settrace(self._trace)
        try:
            exec(code, self.namespace)
        except RecipeDone:
            pass
        except BaseException as exc:  # handed to the test thread by finish()
            self.errors.append(exc)
        finally:
            sys.settrace(None)

    # -- what the test does -----------------------------------------------------------------

    def start(self) -> RecipeRun:
        self.thread.start()
        return self

    def at(self, seconds: float, action: Callable[..., Any], *args: Any) -> None:
        """Do ``action(*args)`` at ``seconds`` of simulated time (a hand on the board)."""
        self.clock.call_at(seconds_to_us(seconds), action, *args)

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait (wall time) until ``predicate()`` holds: the recipe reacted."""
        end = time.monotonic() + timeout
        while not predicate():
            if self.errors:
                raise self.errors[0]
            if time.monotonic() > end:
                raise AssertionError(f"{self.name}: still waiting after {timeout} s")
            time.sleep(0.005)

    def ready(self, *sensors: str) -> None:
        """Wait until the recipe reached ``pause()``, and until gpiozero's sampling thread
        of each of ``sensors`` (names in the recipe) has filled its queue and settled, so
        the recipe's callbacks see the next change as a change."""
        self.wait_for(self.paused.is_set)
        for name in sensors:
            queue = self.namespace[name]._queue  # gpiozero's sampling thread
            assert queue.full.wait(10), f"{name}: gpiozero's sampling thread stopped"
            time.sleep(0.2)  # its first reading is out: the next one is an edge

    def finish(self, timeout: float = 15.0) -> None:
        """End the run now (or at its ``seconds``) and raise the recipe's error."""
        if self.deadline is None:
            self.stopping.set()
        self.join(timeout)

    def join(self, timeout: float = 15.0) -> None:
        """Wait for the recipe to end by itself and raise its error."""
        self.thread.join(timeout)
        if self.errors:
            raise self.errors[0]
        assert not self.thread.is_alive(), f"{self.name} did not stop (blocked in a wait?)"

    def close(self) -> None:
        self.stopping.set()
        devices = [v for v in self.namespace.values() if isinstance(v, Device)]
        for device in devices:
            if isinstance(device, DistanceSensor):
                # gpiozero 2.0.1's DistanceSensor.close() drops its trigger before it stops
                # its sampling thread; stop the thread first so it never sees half a sensor.
                device._queue.stop()
        for device in devices:
            device.close()
        self.factory.close()
        Device.pin_factory = None
        self.world.close()


@pytest.fixture
def recipe():
    """``recipe(name, wiring=..., ...)`` makes a :class:`RecipeRun` (schedule its hand
    actions with ``run.at``, then ``run.start()``); closed afterwards."""
    runs: list[RecipeRun] = []

    def make(name: str, **options: Any) -> RecipeRun:
        run = RecipeRun(name, **options)
        runs.append(run)
        return run

    yield make
    for run in runs:
        run.close()


def history(part: Any) -> list[tuple[float, float]]:
    """A copy of a part's history (gpiozero's threads may add to it meanwhile)."""
    return list(part.history)


def changes(part: Any) -> list[tuple[float, float]]:
    """A part's history, times rounded to 0.1 s."""
    return [(round(t, 1), value) for t, value in history(part)]


def state_at(part: Any, seconds: float) -> float:
    """An LED's brightness (a servo's angle) at ``seconds`` of simulated time."""
    value: Any = 0.0
    for t, v in history(part):
        if t > seconds:
            break
        value = v
    return value


def lit(run: RecipeRun, names: str, seconds: float) -> tuple[float, ...]:
    """The brightness of the LEDs ``names`` (space-separated) at ``seconds``."""
    return tuple(state_at(run.parts[name], seconds) for name in names.split())


def test_every_basic_recipe_is_run_or_has_a_reason():
    assert len(RECIPES) + len(NOT_RUN) == 56  # the Basic Recipes chapter of gpiozero 2.0.1
    assert not set(RECIPES) & set(NOT_RUN)


# -- LEDs ---------------------------------------------------------------------------------


def test_led_1_blinks_with_sleep(recipe):
    run = recipe("led_1", wiring="recipes", seconds=3.5)
    run.start()
    run.finish()
    assert changes(run.parts["led"]) == [(0.0, 1.0), (1.0, 0.0), (2.0, 1.0), (3.0, 0.0)]


def test_led_2_blinks_in_gpiozeros_thread(recipe):
    run = recipe("led_2", wiring="recipes", clock="realtime")
    run.start()
    led = run.parts["led"]
    run.wait_for(lambda: len(led.history) >= 2)
    run.finish()
    (on, first), (off, second) = history(led)[:2]
    assert (first, second) == (1.0, 0.0) and off - on == pytest.approx(1.0, abs=0.2)


def test_led_variable_brightness(recipe):
    run = recipe("led_variable_brightness", wiring="recipes", seconds=3.5)
    run.start()
    run.finish()
    assert changes(run.parts["led"]) == [(1.0, 0.5), (2.0, 1.0), (3.0, 0.0)]


def test_led_pulse_fades(recipe):
    run = recipe("led_pulse", wiring="recipes")
    run.start()

    def fading() -> set[float]:
        return {level for _, level in history(run.parts["led"]) if 0 < level < 1}

    run.wait_for(lambda: len(fading()) >= 5)  # gpiozero's pulse thread, 25 steps a second
    run.finish()


def test_led_board_1(recipe):
    run = recipe("led_board_1", wiring="recipes", seconds=3.5)
    run.start()
    run.finish()
    names = "led5 led6 led13 led19 led26"
    assert lit(run, names, 0.5) == (1, 1, 1, 1, 1)
    assert lit(run, names, 1.5) == (0, 0, 0, 0, 0)
    assert lit(run, names, 2.5) == (1, 0, 1, 0, 1)


def test_led_board_2_pwm(recipe):
    run = recipe("led_board_2", wiring="recipes", seconds=0.5)
    run.start()
    run.finish()
    assert lit(run, "led5 led6 led13 led19 led26", 0.4) == (0.2, 0.4, 0.6, 0.8, 1.0)


def test_led_bargraph_1(recipe):
    run = recipe("led_bargraph_1", wiring="recipes")
    run.start()
    run.join()
    names = "led5 led6 led13 led19 led26 led20"
    expected = [(1, 1, 1, 1, 1, 1), (1, 1, 1, 0, 0, 0), (0, 0, 0, 1, 1, 1),
                (1, 0, 0, 0, 0, 0), (1, 1, 1, 1, 1, 1)]  # the recipe's comments
    assert [lit(run, names, t + 0.5) for t in range(5)] == expected


def test_led_bargraph_2_pwm(recipe):
    run = recipe("led_bargraph_2", wiring="recipes")
    run.start()
    run.join()
    names = "led5 led6 led13 led19 led26"
    expected = [(0.5, 0, 0, 0, 0), (1, 0.5, 0, 0, 0), (0, 0, 0, 0.5, 1), (1, 1, 1, 1, 0.5),
                (1, 1, 1, 1, 0.75)]  # the recipe's comments
    for t, leds in enumerate(expected):
        assert lit(run, names, t + 0.5) == pytest.approx(leds)


SEGMENTS = "segment_a segment_b segment_c segment_d segment_e segment_f segment_g"
SEVEN_SEGMENT = {"3": (1, 1, 1, 1, 0, 0, 1), "2": (1, 1, 0, 1, 1, 0, 1),
                 "1": (0, 1, 1, 0, 0, 0, 0), "G": (1, 0, 1, 1, 1, 1, 0),
                 "O": (0, 0, 1, 1, 1, 0, 1)}  # gpiozero's font draws O as a small o


def test_led_char_display_counts_down(recipe):
    run = recipe("led_char_display", wiring="recipes-leds")
    run.start()
    run.join()
    shown = [lit(run, SEGMENTS, t + 0.5) for t in range(5)]
    assert shown == [SEVEN_SEGMENT[char] for char in "321GO"]
    assert lit(run, SEGMENTS, 5.5) == (0,) * 7  # display.off()


def test_led_char_source(recipe):
    run = recipe("led_char_source", wiring="recipes-leds", clock="realtime")
    run.start()
    run.wait_for(lambda: lit(run, SEGMENTS, run.clock.now()) == SEVEN_SEGMENT["3"])
    run.wait_for(lambda: lit(run, SEGMENTS, run.clock.now()) == SEVEN_SEGMENT["2"])
    run.finish()


TRAFFIC = [(5, (0, 0, 1)), (10.5, (0, 1, 0)), (15, (1, 0, 0)), (21.5, (1, 1, 0)),
           (22.5, (0, 0, 1))]  # (seconds, (red, amber, green))


@pytest.mark.parametrize("name", ["traffic_lights_1", "traffic_lights_3"])
def test_traffic_lights(recipe, name):
    run = recipe(name, wiring="recipes-leds", seconds=23)
    run.start()
    run.finish()
    assert [lit(run, "red amber green", t) for t, _ in TRAFFIC] == [s for _, s in TRAFFIC]


def phases(run: RecipeRun, names: str) -> list[tuple[tuple[float, ...], float]]:
    """The LEDs' states in order, each with how long it lasted (blinks under 50 ms, while
    a board sets its LEDs one by one, left out)."""
    times = sorted({t for name in names.split() for t, _ in history(run.parts[name])})
    times.append(run.clock.now())
    spans = [(lit(run, names, start), end - start) for start, end in zip(times, times[1:],
                                                                             strict=False)]
    return [(state, length) for state, length in spans if length >= 0.05]


def test_traffic_lights_2_source_generator(recipe):
    # The generator sleeps in gpiozero's source thread, which also waits source_delay of
    # wall time between values: a realtime clock, 20 times faster. Wall-clock delays are
    # magnified 20 times, so check the order and that red lasts far longer than amber.
    run = recipe("traffic_lights_2", wiring="recipes-leds", clock="realtime", speed=20)
    run.start()
    run.wait_for(lambda: len(phases(run, "red amber green")) >= 5)
    run.finish()
    seen = phases(run, "red amber green")
    assert [state for state, _ in seen][:4] == [(0, 0, 1), (0, 1, 0), (1, 0, 0), (1, 1, 0)]
    amber, red = seen[1][1], seen[2][1]
    assert red > 5 * amber  # sleep(10) and sleep(1)


def test_rgbled_mixes_colours(recipe):
    run = recipe("rgbled", wiring="recipes-more")
    run.start()
    run.join()
    rgb = "rgb_red rgb_green rgb_blue"
    assert [lit(run, rgb, t + 0.5) for t in range(8)] == [
        (1, 0, 0), (0.5, 0, 0), (0, 1, 0), (1, 0, 1), (1, 1, 0), (0, 1, 1), (1, 1, 1),
        (0, 0, 0)]
    assert run.parts["rgb_blue"].brightness == pytest.approx(0.99)  # the slow blue ramp


# -- buttons ------------------------------------------------------------------------------


def test_button_1_polls_is_pressed(recipe):
    run = recipe("button_1", wiring="recipes", seconds=0.5)
    run.at(0.1, run.parts["button"].press, 0.2)
    run.start()
    run.finish()
    said = [line for i, line in enumerate(run.printed) if i == 0 or run.printed[i - 1] != line]
    assert said[0] == said[-1] == "Button is not pressed"
    assert "Button is pressed" in said


def test_button_2_waits_for_a_press(recipe):
    run = recipe("button_2", wiring="recipes")
    run.start()
    run.wait_for(lambda: "button" in run.namespace)  # Button(2) is made
    run.parts["button"].press()
    run.join()
    assert run.printed == ["Button was pressed"]


def test_button_3_and_4_say_hello_and_goodbye(recipe):
    # With these seeds the presses happen not to bounce; test_sim_pi counts how often
    # gpiozero's default Button sees a bounce.
    hello = recipe("button_3", wiring="recipes", seconds=2, seed=4)
    for t in (0.5, 1.2):
        hello.at(t, hello.parts["button"].press, 0.2)
    hello.start()
    hello.finish()
    assert hello.printed == ["Hello!", "Hello!"]
    both = recipe("button_4", wiring="recipes", seconds=2, seed=4)
    for t in (0.5, 1.2):
        both.at(t, both.parts["button"].press, 0.2)
    both.start()
    both.finish()
    assert both.printed == ["Hello!", "Goodbye!", "Hello!", "Goodbye!"]


def test_button_led_1_callbacks(recipe):
    run = recipe("button_led_1", wiring="recipes", seconds=1)
    run.at(0.2, run.parts["button"].press, 0.3)
    run.start()
    run.finish()
    assert lit(run, "led", 0.1) == (0,)
    assert lit(run, "led", 0.35) == (1,)
    assert lit(run, "led", 0.9) == (0,)


def test_button_led_2_source(recipe):
    run = recipe("button_led_2", wiring="recipes")
    run.start()
    run.ready()
    button, led = run.parts["button"], run.parts["led"]
    assert not led.is_lit
    button.press()
    run.wait_for(lambda: led.is_lit)  # gpiozero's source thread copies the button
    button.release()
    run.wait_for(lambda: not led.is_lit)
    run.finish()


def test_button_shutdown_is_held_two_seconds(recipe):
    run = recipe("button_shutdown", wiring={"GPIO17": {"part": "button", "name": "shutdown"}})
    run.start()
    run.ready()
    run.parts["shutdown"].press()
    run.clock.advance(2.5)  # held_time is simulated; gpiozero's hold timer waits 2 s of wall
    run.wait_for(lambda: run.calls, timeout=5)
    run.parts["shutdown"].release()
    run.finish()
    assert run.calls == [["sudo", "poweroff"]]  # recorded by the harness, never run


def test_reaction_game_player_2_wins(recipe):
    light_at = random.Random(1).uniform(5, 10)  # the harness seeds the recipe's random
    run = recipe("reaction_game", wiring="recipes", seconds=30, seed=1)
    run.at(light_at + 0.2, run.parts["button3"].press, 0.3)
    run.start()
    run.finish()
    run.clock.advance(1)  # the recipe ended at the press; let the player let go
    assert run.printed == ["Player 2 wins!"]
    (on, _), (off, _) = history(run.parts["led"])
    assert on == pytest.approx(light_at, abs=0.01)
    assert off - on == pytest.approx(0.2, abs=0.01)


@pytest.mark.parametrize("name,wiring,lights", [
    ("all_on_1", "fishdish", "red amber green"),
    ("all_on_2", "traffic-hat", "red amber green"),
    ("all_on_3", "recipes-more", "red amber green"),
])
def test_all_on_when_pressed(recipe, name, wiring, lights):
    run = recipe(name, wiring=wiring, seconds=1)
    run.at(0.2, run.parts["button"].press, 0.3)
    buzzing = []
    run.at(0.35, lambda: buzzing.append(run.parts["buzzer"].is_sounding))
    run.at(0.9, lambda: buzzing.append(run.parts["buzzer"].is_sounding))
    run.start()
    run.finish()
    assert lit(run, lights, 0.35) == (1, 1, 1)
    assert lit(run, lights, 0.9) == (0, 0, 0)
    assert buzzing == [True, False]


# -- sensors ------------------------------------------------------------------------------


def test_motion_sensor_lights_the_led(recipe):
    run = recipe("motion_sensor", wiring="recipes")
    run.start()
    led = run.parts["led16"]
    run.ready("pir")
    run.world.room.trigger_motion(60)
    run.wait_for(lambda: led.is_lit)
    run.clock.advance(61)  # the walk-by ends
    run.wait_for(lambda: not led.is_lit)
    run.finish()


def test_light_sensor_1_waits_for_light_and_dark(recipe):
    run = recipe("light_sensor_1", wiring="recipes")  # 06:00: dark
    run.start()
    room = run.world.room
    room.set_lamp("hand", True)
    run.wait_for(lambda: "It's light! :)" in run.printed)
    room.set_lamp("hand", False)
    run.wait_for(lambda: "It's dark :(" in run.printed)
    run.stopping.set()
    room.set_lamp("hand", True)  # lets wait_for_light() return, so the recipe can stop
    run.finish()
    assert run.printed[:2] == ["It's light! :)", "It's dark :("]


def test_light_sensor_2_switches_the_led(recipe):
    run = recipe("light_sensor_2", wiring="recipes")
    run.start()
    room, led = run.world.room, run.parts["led16"]
    run.ready("sensor")
    room.set_lamp("hand", True)
    run.wait_for(lambda: run.namespace["sensor"].light_detected)
    room.set_lamp("hand", False)
    run.wait_for(lambda: led.is_lit)  # when_dark
    room.set_lamp("hand", True)
    run.wait_for(lambda: not led.is_lit)  # when_light
    run.finish()


def test_light_sensor_3_dims_the_led_with_the_light(recipe):
    run = recipe("light_sensor_3", wiring="recipes")
    run.start()
    room, led = run.world.room, run.parts["led16"]
    run.ready("sensor")
    room.set_lamp("hand", True)
    run.wait_for(lambda: led.brightness > 0.5)  # the lamp: about 0.7
    room.set_lamp("hand", False)
    run.wait_for(lambda: led.brightness == 0)
    run.finish()


@pytest.mark.filterwarnings("ignore::gpiozero.exc.PWMSoftwareFallback")
@pytest.mark.filterwarnings("ignore::gpiozero.exc.DistanceSensorNoEcho")  # see below
def test_distance_sensor_1_prints_the_distance(recipe):
    # A realtime clock, so the recipe's sleep(1) lets gpiozero's thread take new samples.
    # The echo then comes from the clock's thread: on a loaded machine it can come later
    # than the 0.1 s gpiozero waits, and gpiozero drops that sample with a
    # DistanceSensorNoEcho warning, as it does on a busy Pi.
    run = recipe("distance_sensor_1", wiring="recipes", clock="realtime")
    run.start()
    run.wait_for(lambda: len(run.printed) == 1)
    run.parts["distance"].distance = 0.25
    run.wait_for(lambda: len(run.printed) == 2)
    run.finish()
    distances = [float(line.split()[-2]) for line in run.printed]
    assert distances == pytest.approx([0.5, 0.25], abs=0.005)


@pytest.mark.filterwarnings("ignore::gpiozero.exc.PWMSoftwareFallback")
def test_distance_sensor_2_in_and_out_of_range(recipe):
    run = recipe("distance_sensor_2", wiring="recipes")  # virtual clock
    run.start()
    sonar, led = run.parts["distance"], run.parts["led16"]
    run.ready("sensor")
    sonar.distance = 0.1
    run.wait_for(lambda: led.is_lit)  # when_in_range
    sonar.distance = 0.6
    run.wait_for(lambda: not led.is_lit)  # when_out_of_range
    run.finish()
    assert sonar.pings > 10


# -- servos -------------------------------------------------------------------------------


def test_servo_1_min_mid_max(recipe):
    run = recipe("servo_1", wiring="recipes-servo", seconds=6.5)
    run.start()
    run.finish()
    assert [state_at(run.parts["servo"], t) for t in (1, 3, 5)] == [0.0, 90.0, 180.0]


def test_servo_2_moves_on_a_press(recipe):
    run = recipe("servo_2", wiring="recipes-servo")
    run.start()
    servo, button = run.parts["servo"], run.parts["button"]
    run.wait_for(lambda: servo.angle == 0.0)
    button.press()  # the recipe waits for a press, again and again: held, it flips fast
    run.wait_for(lambda: 180.0 in [angle for _, angle in history(servo)])
    button.release()
    run.stopping.set()
    button.press()  # lets the last wait_for_press() return, so the recipe can stop
    run.finish()
    button.release()


def test_servo_sweep_follows_a_sine(recipe):
    run = recipe("servo_sweep", wiring="recipes-servo")
    run.start()
    servo = run.parts["servo"]
    run.ready()
    run.wait_for(lambda: len({angle for _, angle in history(servo)}) >= 5)
    run.finish()
    assert all(0 <= angle <= 180 for _, angle in history(servo))


def test_angular_servo(recipe):
    run = recipe("angular_servo", wiring="recipes-servo", seconds=10.5)
    run.start()
    run.finish()
    angles = [state_at(run.parts["servo"], t) for t in (1, 3, 5, 7, 9)]
    assert angles == [0.0, 45.0, 90.0, 135.0, 180.0]  # -90..90 on a 0..180 servo


# -- analog, through the MCP3008 ----------------------------------------------------------


def test_pot_1_prints_the_knob(recipe):
    run = recipe("pot_1", wiring="recipes", seconds=0.05)
    run.at(0.025, run.parts["pot"].turn, 0.25)
    run.start()
    run.finish()
    values = [float(line) for line in run.printed]
    assert values[0] == pytest.approx(0.5, abs=0.002)
    assert values[-1] == pytest.approx(0.25, abs=0.002)


def test_pot_2_bar_graph(recipe):
    run = recipe("pot_2", wiring="recipes")
    run.start()
    run.ready()
    pot, names = run.parts["pot"], "led5 led6 led13 led19 led26"
    pot.turn(1.0)
    run.wait_for(lambda: lit(run, names, run.clock.now()) == (1, 1, 1, 1, 1))
    pot.turn(0.3)
    run.wait_for(lambda: lit(run, names, run.clock.now())[2] == 0)
    run.finish()
    assert lit(run, names, run.clock.now()) == pytest.approx((1, 0.5, 0, 0, 0), abs=0.01)


def test_thermometer_reads_a_tmp36(recipe):
    run = recipe("thermometer", wiring="recipes-thermometer", seconds=1200)
    run.at(0, run.world.room.set_heater, "hand", True)  # the room warms up
    run.start()
    run.finish()
    temps = [float(line.split()[-2]) for line in run.printed]
    assert len(temps) == 1200
    assert temps[0] == pytest.approx(19.0, abs=0.5)  # the room starts at 19 °C
    assert temps[-1] > temps[0] + 3
    assert temps[-1] == pytest.approx(run.world.room.temperature(), abs=0.5)


def test_rgbled_pot_1_loop(recipe):
    run = recipe("rgbled_pot_1", wiring="recipes-leds", seconds=0.05)
    run.at(0.02, run.parts["red_pot"].turn, 1.0)
    run.at(0.02, run.parts["green_pot"].turn, 0.0)
    run.at(0.02, run.parts["blue_pot"].turn, 0.25)
    run.start()
    run.finish()
    final = lit(run, "red amber green", run.clock.now())  # RGBLED(red=2, green=3, blue=4)
    assert final == pytest.approx((1.0, 0.0, 0.25), abs=0.002)


def test_rgbled_pot_2_source(recipe):
    run = recipe("rgbled_pot_2", wiring="recipes-leds")
    run.start()
    run.ready()
    run.parts["red_pot"].turn(0.0)
    run.parts["blue_pot"].turn(1.0)
    run.wait_for(lambda: lit(run, "red green", run.clock.now()) == pytest.approx((0, 1),
                                                                                abs=0.001))
    run.finish()
    assert run.parts["amber"].brightness == pytest.approx(0.5, abs=0.002)  # green_pot at 0.5
