"""Run `python -m simulators pi`, as you would in a terminal, and print what it prints.

The command shows the simulated Pi's wiring: which part sits on which GPIO pin.
"""

import os
import subprocess
import sys

env = {k: v for k, v in os.environ.items() if k != "SIM_PI_WIRING"}  # the course's breadboard
result = subprocess.run([sys.executable, "-m", "simulators", "pi"], env=env,
                        capture_output=True, text=True, check=True)
print(result.stdout, end="")
