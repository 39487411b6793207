"""The board view's model without a browser: the values it sends, the throttle, the inputs,
the serial monitor and plotter, and the static SVG (simulators/view.py).

The widget's comm goes nowhere outside a kernel (ipywidgets gives it a dummy), so these
tests read the synced traits (``state``, ``serial``, ``svg``, ``controls``) directly and
send the browser's messages with ``_on_message``. The browser side is
tests/test_board_view_browser.py.
"""

from __future__ import annotations

import base64
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import nbformat
import pytest
import serial
from gpiozero import LED, Button

import simulators
from simulators import World
from simulators.view import BoardView, Throttle, draw_picture, numbers_in

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def shown():
    """``shown(target)`` makes a view and closes it after the test."""
    views: list[BoardView] = []

    def make(target, **options) -> BoardView:
        board_view = target.view(**options)
        views.append(board_view)
        return board_view

    yield make
    for board_view in views:
        board_view.close()


def values(board_view: BoardView) -> dict:
    """What the browser was last sent."""
    return board_view.state["values"]


def press(board_view: BoardView, do: str, target: str, value=None, **more) -> str:
    """Send what the browser sends for a control; return the status line."""
    board_view._on_message(board_view, {"do": do, "target": target, "value": value, **more}, [])
    return board_view.message


def part_classes(svg: str, key: str) -> set[str]:
    """The classes of the picture's element for the part ``key`` (``"uno/builtin"``)."""
    root = ET.fromstring(svg)
    for node in root.iter(f"{SVG}g"):
        if node.get("data-part") == key:
            return set((node.get("class") or "").split())
    raise AssertionError(f"no part {key} in the picture")


def wait_until(condition, timeout: float = 10.0) -> bool:
    """Wait (wall time, for the update thread) until ``condition()``; never asserts speed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


# -- cheap when unused -------------------------------------------------------------------------


def test_importing_the_simulators_imports_no_widget_code():
    code = ("import simulators, sys; w = simulators.World(); w.add_uno('blink'); "
            "w.clock.advance(1); print('anywidget' in sys.modules, "
            "'simulators.view' in sys.modules, 'ipywidgets' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False", "False", "False"]


def test_the_same_view_comes_back_until_it_is_closed(world, shown):
    uno = world.add_uno("blink")
    listeners = len(uno.serial.listeners)
    first = shown(uno)
    assert uno.view() is first
    whole = shown(world)  # the whole world is another view
    assert whole is not first
    first.close()
    whole.close()
    assert first.is_closed and not first._thread.is_alive()
    assert len(uno.serial.listeners) == listeners  # the monitors stopped listening
    assert shown(uno) is not first


def test_closing_the_world_stops_the_update_thread(shown):
    world = World(seed=1, clock="realtime", speed=50)
    board_view = shown(world.add_uno("blink"))
    world.close()
    board_view._thread.join(timeout=10)
    assert not board_view._thread.is_alive()


def test_a_closed_world_cannot_be_shown():
    world = World(seed=1)
    uno = world.add_uno("blink")
    world.close()
    with pytest.raises(simulators.ConfigError, match="closed"):
        uno.view()


# -- what the picture shows ------------------------------------------------------------------


def test_the_values_follow_the_virtual_clock(world, shown):
    uno = world.add_uno("command_listener")
    board_view = shown(uno)
    world.clock.advance(1)  # booted at 0.5 s
    press(board_view, "send", "uno", "LED ON")
    world.clock.advance(0.1)
    board_view.refresh(force=True)
    assert values(board_view)["uno/led:on"] is True
    assert values(board_view)["uno/led:glow"] == 1.0
    assert values(board_view)["uno/led:text"] == "on"
    assert "on" in part_classes(board_view.to_svg(), "uno/led")
    press(board_view, "send", "uno", "LED OFF")
    world.clock.advance(0.1)
    board_view.refresh(force=True)
    assert values(board_view)["uno/led:on"] is False
    assert "on" not in part_classes(board_view.to_svg(), "uno/led")
    assert values(board_view)["room:clock"].startswith("t = 1.2 s")


def test_the_update_thread_sends_when_a_cell_advances_virtual_time(world, shown):
    board_view = shown(world.add_uno("blink"))
    assert board_view.state["t"] == 0
    world.clock.advance(3)
    assert wait_until(lambda: board_view.state["t"] >= 3)


def test_every_part_and_the_room_are_shown(world, shown):
    uno = world.add_uno("command_listener")
    board_view = shown(uno)
    world.clock.advance(1)
    for command in ("HEATER ON", "SERVO 45", "BUZZER 440", "LED 128"):
        press(board_view, "send", "uno", command)
        world.clock.advance(0.2)
    board_view.refresh(force=True)
    shown_values = values(board_view)
    assert shown_values["uno/heater:on"] is True and shown_values["room:heater"] is True
    assert shown_values["uno/heater:text"] == "ON · heater"
    assert shown_values["uno/servo:angle"] == -45.0  # 45°, drawn from "straight up" = 90°
    assert shown_values["uno/servo:text"] == "45°"
    assert shown_values["uno/buzzer:text"] == "sounding · 440 Hz"
    assert shown_values["uno/led:glow"] == pytest.approx(128 / 255, abs=0.001)
    assert shown_values["uno/led:text"] == "50% (PWM)"
    assert shown_values["uno/knob:position"] == 0.5
    assert shown_values["room:temperature"].endswith("°C")
    keys = {node.get("data-part") for node in ET.fromstring(board_view.svg).iter(f"{SVG}g")}
    assert {f"uno/{name}" for name in uno.parts} <= keys


def test_watching_does_not_change_a_seeded_run():
    def run(watch: bool) -> list[bytes]:
        url = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual&interval=200"
        with serial.serial_for_url(url, timeout=5) as port:
            board_view = port.board.view() if watch else None
            lines = []
            for _ in range(40):
                lines.append(port.readline())
                if board_view is not None:
                    board_view.refresh(force=True)  # the room is read every line
            if board_view is not None:
                board_view.close()
            return lines

    assert run(watch=True) == run(watch=False)


def test_a_world_view_shows_boards_added_later(world, shown):
    board_view = shown(world)
    assert 'data-board="' not in board_view.svg
    world.add_uno("blink", name="later")
    world.clock.advance(0.1)
    board_view.refresh(force=True)
    assert 'data-board="later"' in board_view.svg
    assert any(c["target"] == "later" and c["kind"] == "toggle" for c in board_view.controls)


def test_a_pi_is_shown_with_its_gpio_pins(pi, shown):
    board_view = shown(pi)
    led = LED(17)
    button = Button(2)
    led.on()
    board_view.refresh(force=True)
    assert values(board_view)["pi/led:on"] is True
    assert ">GPIO17<" in board_view.svg
    press(board_view, "press", "pi/button")  # the widget's button, seen by gpiozero
    assert button.is_pressed
    press(board_view, "release", "pi/button")
    assert not button.is_pressed


# -- throttling ----------------------------------------------------------------------------


def test_the_throttle_sends_changes_at_most_rate_times_a_second():
    throttle = Throttle(10, heartbeat=1.0)
    assert throttle.due(100.0, changed=False)  # the first send always goes
    throttle.sent_at(100.0)
    assert not throttle.due(100.05, changed=True)  # too soon
    assert throttle.due(100.1, changed=True)
    assert not throttle.due(100.5, changed=False)  # nothing new
    assert throttle.due(101.0, changed=False)  # the heartbeat (the clock line moved)
    with pytest.raises(simulators.ConfigError, match="max_rate"):
        Throttle(0)


def test_a_10hz_blink_is_sent_throttled_and_every_change_replayed():
    world = World(seed=1, clock="realtime")
    try:
        uno = world.add_uno("blink", params={"interval": 50})  # 10 Hz
        world.clock.advance(0.6)  # booted, blinking
        board_view = uno.view(max_rate=4)
        sent: list[dict] = []
        board_view.observe(lambda change: sent.append(change["new"]), names="state")
        started = time.monotonic()
        assert wait_until(lambda: len(sent) >= 4)
        elapsed = time.monotonic() - started
        board_view.close()
        assert len(sent) <= 4 * elapsed + 2  # throttled: at most max_rate sends a second
        # each send carries the changes since the one before (sent[0]'s since one not seen)
        replayed = sorted(t for state in sent[1:] for t, _ in state["events"]["uno/builtin:on"])
        history = [t for t, _ in uno.parts["builtin"].history
                   if sent[0]["t"] < t <= sent[-1]["t"]]
        assert len(history) >= 4  # the LED changed between the sends...
        assert replayed == history  # ...and every change travelled, with its time
    finally:
        world.close()


# -- inputs ---------------------------------------------------------------------------------------


def test_the_controls_call_the_same_methods_as_python(world, shown):
    uno = world.add_uno("blink")
    board_view = shown(uno)
    room, button = world.room, uno.parts["button"]
    press(board_view, "press", "uno/button")
    assert button.is_pressed and button.presses == 1
    press(board_view, "release", "uno/button")
    assert not button.is_pressed
    press(board_view, "turn", "uno/knob", 0.25)
    assert uno.parts["knob"].position == 0.25
    press(board_view, "room", "light", 50)
    assert room.light() == 50
    press(board_view, "room", "light", None)
    assert room.light() != 50  # back to the day cycle
    press(board_view, "room", "outside", -5)
    assert room.outside_temperature() == -5
    assert "walks through" in press(board_view, "room", "motion")
    assert room.motion()
    assert "unplugged" in press(board_view, "board", "uno", "unplug")
    assert not uno.plugged
    press(board_view, "board", "uno", "plug")
    assert uno.plugged
    resets = uno.resets
    press(board_view, "board", "uno", "reset")
    assert uno.resets == resets + 1
    board_view.refresh(force=True)
    assert values(board_view)["room:outside_auto"] is False
    assert values(board_view)["uno/knob:position"] == 0.25


def test_a_control_that_cannot_work_says_why(world, shown):
    board_view = shown(world.add_uno("blink"))
    assert "between 0 and 1" in press(board_view, "turn", "uno/knob", 2)
    assert "no part 'uno/nothing'" in press(board_view, "press", "uno/nothing")
    assert "is a potentiometer, not a button" in press(board_view, "press", "uno/knob")
    assert "unknown control" in press(board_view, "explode", "uno")


# -- the serial monitor and plotter ----------------------------------------------------------


def test_a_line_from_the_send_box_reaches_the_sketch(world, shown):
    uno = world.add_uno("command_listener")
    board_view = shown(uno)
    assert "nobody listens" in press(board_view, "send", "uno", "LED ON")  # still booting
    world.clock.advance(1)
    assert "when the clock moves" in press(board_view, "send", "uno", "LED ON")
    world.clock.advance(0.5)
    board_view.refresh(force=True)
    texts = [text for _, text in board_view.serial["uno"]["lines"]]
    assert texts[0].endswith("command_listener ready")
    assert texts[-1] == "OK LED ON"
    assert uno.parts["led"].is_lit


def test_the_monitor_shares_the_port_with_a_program(world, shown):
    uno = world.add_uno("command_listener", name="shared")
    simulators.register_board(uno)
    board_view = shown(uno)
    with serial.serial_for_url("sim://shared", timeout=5) as port:
        assert port.readline().endswith(b"ready\r\n")  # the program gets the banner...
        assert "a program has shared's port open" in press(board_view, "send", "shared", "PING")
        port.write(b"LED ON\n")
        assert port.readline() == b"OK LED ON\r\n"  # ...and the answer
    texts = [text for _, text in board_view._taps["shared"].lines]
    assert texts[-1] == "OK LED ON"  # the monitor saw them too, and took nothing
    board_view.refresh(force=True)
    assert board_view.serial["shared"]["status"] == "9600 baud · port free"


def test_a_monitor_that_cannot_listen_never_stops_the_sketch(world, shown, monkeypatch):
    def broken(link, count):
        raise AttributeError("'Wire' object has no attribute 'bursts'")

    monkeypatch.setattr("simulators.view.newest_on_wire", broken)
    uno = world.add_uno("command_listener")
    board_view = shown(uno)
    world.clock.advance(1)
    assert uno.error is None  # the banner was printed; the board runs on
    board_view.refresh(force=True)
    assert "cannot read" in board_view.serial["uno"]["status"]


def test_the_plotter_reads_numbers_like_the_arduino_ide():
    assert numbers_in('{"seq":3,"temperature":19.1,"motion":0,"ok":true,"name":"x"}') == [
        ("seq", 3.0), ("temperature", 19.1), ("motion", 0.0)]
    assert numbers_in("temperature:19.5,humidity:48") == [("temperature", 19.5),
                                                           ("humidity", 48.0)]
    assert numbers_in("1 2.5 -3") == [("value 1", 1.0), ("value 2", 2.5), ("value 3", -3.0)]
    for text in ("# Blink to Backend Uno (simulated): sensor_reporter ready", "OK SERVO 90",
                 "", "{not json", "[1, 2]"):
        assert numbers_in(text) == []


def test_the_plotter_draws_the_sensor_reporters_fields(world, shown):
    uno = world.add_uno("sensor_reporter")
    board_view = shown(uno)
    world.clock.advance(6)
    board_view.refresh(force=True)
    tap = board_view._taps["uno"]
    assert set(tap.series) == {"temperature", "humidity", "light", "motion"}  # no seq, ms
    assert len(tap.series["temperature"]) >= 4
    shown_values = values(board_view)
    points = shown_values["uno/plot/temperature:points"].split()
    assert len(points) == len(tap.series["temperature"])
    assert shown_values["uno/plot/light:last"] == f"{tap.series['light'][-1][1]:.0f}"
    assert 'data-points="uno/plot/humidity:points"' in board_view.svg


# -- the static fallback -------------------------------------------------------------------------


def test_the_display_bundle_carries_the_picture(world, shown):
    uno = world.add_uno("command_listener")
    board_view = shown(uno)
    world.clock.advance(1)
    press(board_view, "send", "uno", "LED ON")
    world.clock.advance(0.2)
    data, _ = board_view._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == board_view.model_id
    assert "text/html" not in data  # it would win over the SVG in nbconvert
    picture = ET.fromstring(data["image/svg+xml"])
    lines = [node.text for node in picture.iter(f"{SVG}text") if "line" in
             (node.get("class") or "")]
    assert lines[-1].endswith("OK LED ON")  # the static picture has the monitor's lines
    assert "on" in part_classes(data["image/svg+xml"], "uno/led")
    assert data["text/plain"].startswith("<BoardView uno t=")


def test_nbconvert_shows_the_picture_when_no_widget_state_is_saved(world, shown):
    from nbconvert import HTMLExporter

    board_view = shown(world.add_uno("blink"))
    world.clock.advance(0.6)
    data, metadata = board_view._repr_mimebundle_()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("uno.view()", outputs=[
        nbformat.v4.new_output("display_data", data=data, metadata=metadata)])]
    html, _ = HTMLExporter().from_notebook_node(notebook)
    found = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert found, "nbconvert did not show the picture"
    assert base64.b64decode(found.group(1)).decode() == data["image/svg+xml"]


def test_draw_picture_escapes_what_sketches_print():
    picture = draw_picture([], {"room:clock": "t = 0 s"},
                           {"uno": [(1.0, "<script>alert('x')</script> & more")]})
    ET.fromstring(picture)  # still well-formed XML
    assert "<script>" not in picture


@pytest.mark.slow
def test_a_notebook_run_without_a_browser_keeps_the_last_state(tmp_path):
    """nbclient runs the notebook (no browser ever shows the view): after each cell the
    picture in the output is brought up to date, so the saved notebook shows the end."""
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("from simulators import World\nworld = World(seed=1)\n"
                                  "uno = world.add_uno('command_listener')\nuno.view()"),
        nbformat.v4.new_code_cell("world.clock.advance(1)\nuno.parts['button'].press()"),
    ]
    NotebookClient(notebook, timeout=60, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    output = notebook.cells[0].outputs[0]
    assert "application/vnd.jupyter.widget-view+json" in output["data"]
    picture = output["data"]["image/svg+xml"]
    assert "on" in part_classes(picture, "uno/button")  # as the last cell left it
    assert "t = 1.0 s" in picture and "command_listener ready" in picture
    assert "widgets" not in notebook.metadata
