"""Test knob_reporter.py with a scenario: turn the knob, wait for the lines it should print."""

from simulators.scenario import run_scenario

report = run_scenario({
    "sketch": "lessons/examples/02-sketches/knob_reporter.py",
    "seed": 1,
    "steps": [
        {"turn": "knob", "to": 0.0},  # fully left
        {"wait_for": "knob:0", "timeout": "1 s"},  # a line with "knob:0" within 1 s
        {"turn": "knob", "to": 1.0},  # fully right
        {"wait_for": "knob:1023", "timeout": "1 s"},
        {"wait": "1 s"},
    ],
})
print("passed:", report.passed)
for line in report.serial:  # every line, stamped with the moment it reached the computer
    print(f"{line.time:.4f} s  {line.text}")
