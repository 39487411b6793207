"""Every program the lessons include from lessons/examples/ runs and prints what the page says."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from hubtesting import REPO

EXAMPLES = REPO / "lessons" / "examples"


def run_example(name: str, env: dict[str, str] | None = None) -> list[str]:
    """Run one example as a student would and return the lines it printed."""
    result = subprocess.run([sys.executable, str(EXAMPLES / name)], cwd=REPO, text=True,
                            capture_output=True, timeout=120, env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_read_serial_prints_the_banner_then_samples_in_order():
    lines = run_example("read_serial.py")
    assert lines[0].startswith("# Blink to Backend Uno")
    seqs = [int(re.match(r"seq (\d+):", line).group(1)) for line in lines[1:]]
    assert seqs == [0, 1, 2]


def test_pi_heater_warms_the_room():
    line = run_example("pi_heater.py")[-1]
    before, after = (float(t) for t in re.findall(r"(-?\d+\.\d) °C", line))
    assert after > before + 3


@pytest.mark.parametrize("framework", ["flask", "django"])
def test_post_reading_against_a_served_hub(serve_hub, framework):
    starter = REPO / "starter" / framework
    if framework == "flask":
        argv = [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", "{port}"]
    else:
        argv = [sys.executable, "manage.py", "serve", "--noreload", "127.0.0.1:{port}"]
    url = serve_hub(argv, starter, env={"HUB_ADMIN_TOKEN": "example-token"})
    lines = run_example("post_reading.py", env={"HUB_URL": url, "HUB_ADMIN_TOKEN": "example-token"})
    assert lines == ["201", "200", "temperature 21.5"]
