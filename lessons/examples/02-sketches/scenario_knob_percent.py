"""Check knob_percent.py: fully left prints 0, half way 50, fully right 100."""

from simulators.scenario import run_scenario

report = run_scenario({
    "sketch": "lessons/examples/02-sketches/knob_percent.py",
    "seed": 1,
    "steps": [
        {"turn": "knob", "to": 0.0},
        {"wait_for": "percent:0", "timeout": "1 s"},
        {"turn": "knob", "to": 0.5},
        {"wait_for": "percent:50", "timeout": "1 s"},
        {"turn": "knob", "to": 1.0},
        {"wait_for": "percent:100", "timeout": "1 s"},
    ],
})
print("passed:", report.passed)
for line in report.serial:
    print(f"{line.time:.4f} s  {line.text}")
