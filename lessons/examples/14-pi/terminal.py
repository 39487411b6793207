"""Run a program file the way you would in a terminal, and print what the terminal shows.

The runners (run_*.py) use it to run the lesson's plain gpiozero programs with
GPIOZERO_PIN_FACTORY=sim, exactly as the page's console lines say.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]  # the course repository


def run(program: str, *, ctrl_c_after: float | None = None, say_end: bool = False,
        **env: str) -> None:
    """Run `python program` (a path from the repository's folder) with these environment
    variables; print what it prints.

    With `ctrl_c_after`, press Ctrl+C (send SIGINT) that many seconds after the program's
    first line: the terminal shows ^C and the traceback, whose middle lines (with the
    paths of your computer) are left out here. With `say_end`, a program that ends by
    itself gets a last line in brackets that says so.
    """
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("SIM_")}
    child_env.update(env, PYTHONUNBUFFERED="1")
    child = subprocess.Popen([sys.executable, str(REPO / program)], env=child_env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if ctrl_c_after is not None:
        print(child.stdout.readline(), end="")  # the program is running: it said so
        time.sleep(ctrl_c_after)
        child.send_signal(signal.SIGINT)
        print("^C", end="")
    out, err = child.communicate(timeout=60)
    print(out, end="")
    lines = err.strip().splitlines()
    if ctrl_c_after is not None and lines:
        print(lines[0], "  ...", lines[-1], sep="\n")
    elif lines:
        print(*lines, sep="\n")
    if say_end and child.returncode == 0:
        print("[the program ended by itself: the terminal's prompt is back]")
