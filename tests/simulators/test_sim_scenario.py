"""Scenarios: `python -m simulators run SCENARIO.yaml` and `run_scenario()`.

The examples must pass; a broken sketch must fail at the step that shows it; a wrong file
must say what to fix (exit code 2); inputs, the room and the serial port must reach the
sketch at the simulated time the step says.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from simulators.cli import main
from simulators.scenario import EXAMPLES, ScenarioError, load_scenario, run_scenario

BLINK_ON_PIN_12 = '''\
"""blink, but on the wrong pin: D12 instead of the built-in LED on D13."""
from simulators.arduino import HIGH, LOW, OUTPUT, delay, digitalWrite, pinMode

def setup():
    pinMode(12, OUTPUT)

def loop():
    digitalWrite(12, HIGH)
    delay(1000)
    digitalWrite(12, LOW)
    delay(1000)
'''

# A student's sketch: reports the button (D3), the knob (A1) and the PIR (D4) every 100 ms.
REPORTER = '''\
import json
from simulators.arduino import A1, INPUT_PULLUP, Serial, analogRead, delay, digitalRead, pinMode

def setup():
    Serial.begin(9600)
    pinMode(3, INPUT_PULLUP)
    Serial.println("ready")

def loop():
    values = {"button": digitalRead(3), "knob": analogRead(A1), "motion": digitalRead(4)}
    Serial.println(json.dumps(values))
    delay(100)
'''


def write(path, text):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# -- the examples ----------------------------------------------------------------------------


def test_the_three_examples_ship():
    assert set(EXAMPLES) == {"blink", "sensor_reporter", "command_listener"}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_example_scenario_passes(name):
    report = run_scenario(EXAMPLES[name])
    assert report.passed, str(report)
    assert all(step.status == "passed" for step in report.steps)
    assert report.serial or name == "blink"  # blink prints nothing


def test_blink_steps_happen_at_their_exact_simulated_time():
    report = run_scenario(EXAMPLES["blink"])
    assert [step.time for step in report.steps] == [0.6, 0.6, 1.6, 1.6, 2.6, 2.6, 3.6, 3.6]
    assert report.duration == 3.6  # the run ends with its last step
    assert report.steps[1].seen == "builtin lit" and report.steps[3].seen == "builtin dark"


def test_command_listener_report_shows_what_was_seen():
    report = run_scenario(EXAMPLES["command_listener"])
    heater = report.steps[4]
    assert heater.expected == "heater on; pin D7 HIGH; room heater on"
    assert heater.seen == "heater on; pin D7 HIGH; room heater on"
    text = str(report)
    assert "✓" in text and "✗" not in text and "PASSED: all 16 steps held" in text


def test_the_same_seed_gives_the_same_run():
    first = run_scenario(EXAMPLES["sensor_reporter"])
    second = run_scenario(EXAMPLES["sensor_reporter"])
    assert first.serial == second.serial and len(first.serial) >= 5


# -- a broken sketch fails at the step that shows it --------------------------------------------


def test_blink_on_the_wrong_pin_fails_at_step_2(tmp_path):
    broken = write(tmp_path / "broken_blink.py", BLINK_ON_PIN_12)
    report = run_scenario(EXAMPLES["blink"], sketch=broken)
    assert not report.passed
    failed = report.failed_step
    assert (failed.number, failed.action) == (2, "expect")
    assert failed.expected == "builtin lit" and failed.seen == "builtin dark"
    assert [step.status for step in report.steps[2:]] == ["not run"] * 6
    text = str(report)
    assert "Step 2 (expect) failed" in text and "FAILED at step 2 of 8" in text
    assert "(the board printed nothing)" in text  # the last serial lines: there were none


def test_cli_exit_code_1_and_a_report_naming_the_step(tmp_path, capsys):
    broken = write(tmp_path / "broken_blink.py", BLINK_ON_PIN_12)
    assert main(["run", "blink", "--sketch", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "✗" in out and "Step 2 (expect) failed" in out and "builtin dark" in out


def test_a_crashing_sketch_fails_with_its_line(tmp_path):
    write(tmp_path / "crash.py", '''\
        from simulators.arduino import Serial, delay

        def setup():
            Serial.begin(9600)
            Serial.println("ready")

        def loop():
            delay(300)
            total = 1 / 0
    ''')
    report = run_scenario({"sketch": "crash.py", "steps": [
        {"wait_for": "ready"}, {"wait": 1}, {"expect": {"builtin": "dark"}}]},
        base_dir=tmp_path)
    failed = report.failed_step
    assert failed.number == 2
    assert "ZeroDivisionError" in failed.seen and "crash.py, line 9" in failed.seen
    assert report.steps[2].status == "not run"


def test_a_sketch_with_a_syntax_error_fails_with_its_line(tmp_path):
    write(tmp_path / "typo.py", "def setup():\n    pinMode(13 OUTPUT)\n")
    report = run_scenario({"sketch": "typo.py", "steps": [{"wait": 1}]}, base_dir=tmp_path)
    assert not report.passed
    assert "SyntaxError" in report.steps[0].seen and "line 2" in report.steps[0].seen


def test_send_before_the_sketch_listens_fails_and_says_why():
    report = run_scenario({"sketch": "command_listener", "steps": [{"send": "PING"}]})
    assert report.failed_step.number == 1
    assert "not started yet" in report.failed_step.seen


def test_a_baud_rate_mismatch_is_named_in_the_report():
    report = run_scenario({"sketch": "command_listener", "baud": 115200,
                           "steps": [{"wait_for": "ready", "timeout": "2 s"}]})
    assert not report.passed
    assert "set baud: 9600" in report.failed_step.seen


# -- inputs, the room, a student's sketch next to the scenario ------------------------------------


def test_inputs_and_the_room_reach_a_students_sketch(tmp_path):
    write(tmp_path / "reporter.py", REPORTER)
    scenario = write(tmp_path / "check.yaml", '''\
        name: my reporter
        sketch: reporter.py
        seed: 3
        steps:
          - wait_for: ready
          - press: button
          - wait: 250 ms
          - expect: {button: pressed, json: {button: 0}}
          - release: button
          - wait: 250 ms
          - expect: {button: released, json: {button: 1}}
          - hold: button
            for: 300 ms
          - expect: {button: {presses: 2}}
          - turn: knob
            to: 0.25
          - wait: 0.2 s
          - expect:
              knob: 0.25
              json: {knob: 256, within: 1}
          - motion: 5 s
          - wait: 0.2 s
          - expect: {pir: motion, room: {motion: on}, json: {motion: 1}}
          - set: {outside_temperature: -10, room_temperature: 25, light: 100}
          - expect:
              room:
                temperature: {between: [24.99, 25.01]}
                outside_temperature: -10
                light: 100
          - wait: 10 min
            note: the room cools towards -10 + 10 °C
          - expect: {room: {temperature: {between: [18, 21]}}}
    ''')
    report = run_scenario(scenario)
    assert report.passed, str(report)
    assert report.name == "my reporter" and report.sketch == "reporter.py"
    hold = report.steps[7]
    assert hold.description == "hold button for 300 ms"
    assert hold.time == pytest.approx(report.steps[6].time + 0.3)
    assert report.steps[-2].description.endswith("(the room cools towards -10 + 10 °C)")


def test_wiring_and_faults_change_the_breadboard():
    moved = run_scenario({
        "sketch": "blink",
        "wiring": {"D12": {"part": "led", "name": "builtin"}},  # the LED moves to D12
        "steps": [{"wait": 0.6}, {"expect": {"builtin": "dark", "pins": {"D13": "HIGH"}}}]})
    assert moved.passed, str(moved)
    stuck = run_scenario({
        "sketch": "sensor_reporter", "faults": {"light": {"stuck": 300}},
        "steps": [{"wait_for": '"seq":1'}, {"expect": {"json": {"light": 300}}}]})
    assert stuck.passed, str(stuck)


def test_a_loop_that_never_returns_still_ends_the_run(tmp_path):
    write(tmp_path / "waits.py", '''\
        from simulators.arduino import Serial, delay

        def setup():
            Serial.begin(9600)

        def loop():
            while not Serial.available():  # waits for a command that never comes
                delay(5)
    ''')
    report = run_scenario({"sketch": "waits.py", "steps": [{"wait": 2}]}, base_dir=tmp_path)
    assert report.passed and report.steps[0].time == 2.0


# -- a wrong scenario file says what to fix (exit code 2) ----------------------------------------


MALFORMED = {
    "typo-in-action": ("sketch: blink\nsteps:\n  - wait: 1\n  - wiat: 1 s\n",
                       ["step 2", "'wiat' is not a step", "did you mean 'wait'"]),
    "bad-duration": ("sketch: blink\nsteps:\n  - wait_for: ready\n    timeout: soon\n",
                     ["step 1 (wait_for)", "'timeout'", "2 s or 500 ms", "'soon'"]),
    "option-on-its-own-line": ("sketch: blink\nsteps:\n  - wait_for: ok\n  - timeout: 2 s\n",
                               ["step 2", "belongs to a wait_for step"]),
    "unknown-part": ("sketch: blink\nsteps:\n  - press: buton\n",
                     ["step 1 (press)", "no part named 'buton'", "button"]),
    "wrong-kind-of-part": ("sketch: blink\nsteps:\n  - press: heater\n",
                           ["'heater' is a relay", "press works on a button"]),
    "bad-regex": ("sketch: blink\nsteps:\n  - wait_for: '(('\n    regex: true\n",
                  ["step 1 (wait_for)", "not a valid regular expression"]),
    "unknown-property": ("sketch: blink\nsteps:\n  - expect: {servo: {angel: 90}}\n",
                         ["step 1 (expect)", "not 'angel'", "angle"]),
    "bad-range": ("sketch: blink\nsteps:\n  - expect: {json: {t: {between: [30]}}}\n",
                  ["step 1 (expect)", "between takes two numbers"]),
    "send-on-unquoted": ("sketch: blink\nsteps:\n  - send: ON\n",
                         ["step 1 (send)", "quotes"]),
    "no-steps": ("sketch: blink\n", ["'steps'"]),
    "top-level-typo": ("sketch: blink\nstep:\n  - wait: 1\n", ["did you mean 'steps'"]),
    "unknown-sketch": ("sketch: blnk\nsteps:\n  - wait: 1\n",
                       ["'sketch'", "no built-in sketch 'blnk'", "did you mean 'blink'"]),
    "missing-sketch-file": ("sketch: mine.py\nsteps:\n  - wait: 1\n",
                            ["'sketch'", "no file 'mine.py'"]),
    "not-yaml": ("sketch: blink\nsteps:\n  - wait: [1\n", ["line", "not valid YAML"]),
    "bad-wiring": ("sketch: blink\nwiring: {D99: led}\nsteps:\n  - wait: 1\n",
                   ["'wiring'", "not an Uno pin"]),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_file_exits_2_with_a_clear_message(name, tmp_path, capsys):
    text, fragments = MALFORMED[name]
    path = write(tmp_path / "bad.yaml", text)
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: bad.yaml") and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err


def test_load_scenario_raises_a_scenario_error_for_the_api():
    with pytest.raises(ScenarioError, match=r"scenario, step 1 \(hold\): say how long"):
        load_scenario({"sketch": "blink", "steps": [{"hold": "button"}]})


def test_a_missing_scenario_file_exits_2(capsys):
    assert main(["run", "no-such-file.yaml"]) == 2
    assert "no scenario file 'no-such-file.yaml'" in capsys.readouterr().err


# -- the command line -------------------------------------------------------------------------


def test_run_has_help_with_an_example(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--help"])
    assert exit_info.value.code == 0
    assert "python -m simulators run" in capsys.readouterr().out


def test_the_cli_runs_an_example_as_a_real_process():
    result = subprocess.run(
        [sys.executable, "-m", "simulators", "run", str(EXAMPLES["command_listener"])],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "120"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASSED: all 16 steps held" in result.stdout
    assert result.stdout.count("✓") == 16 and result.stderr == ""
