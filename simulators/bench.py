"""``python -m simulators.bench``: how fast the simulation runs.

Reads one simulated day of ``sensor_reporter`` at 1 Hz (86,400 readings) through pyserial
on a virtual clock, prints simulated seconds per wall second, and writes the figures as
JSON to ``bench/results/simulation.json`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import serial

import simulators  # noqa: F401  (registers sim://)

URL = "sim://uno?sketch=sensor_reporter&seed=7&clock=virtual&interval=1000"


def day_run(readings: int = 86_400) -> dict[str, float]:
    """Read ``readings`` sample lines through pyserial; return the figures."""
    port = serial.serial_for_url(URL, timeout=5)
    try:
        port.readline()  # the boot banner
        start = time.perf_counter()
        for _ in range(readings):
            line = port.readline()
            if not line.startswith(b"{"):
                raise RuntimeError(f"unexpected line {line!r}")
        wall = time.perf_counter() - start
        simulated = port.board.clock.now()
    finally:
        port.close()
    return {"readings": readings, "wall_seconds": round(wall, 3),
            "simulated_seconds": round(simulated, 3),
            "simulated_seconds_per_wall_second": round(simulated / wall, 1),
            "readings_per_wall_second": round(readings / wall, 1)}


def main(argv: list[str] | None = None) -> int:
    """Run the day benchmark and write the JSON."""
    parser = argparse.ArgumentParser(
        prog="python -m simulators.bench", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  python -m simulators.bench --out bench/results/simulation.json")
    parser.add_argument("--out", default="bench/results/simulation.json",
                        help="where to write the JSON (default: bench/results/simulation.json)")
    parser.add_argument("--readings", type=int, default=86_400,
                        help="how many readings (default: 86400, one day at 1 Hz)")
    args = parser.parse_args(argv)
    figures = day_run(args.readings)
    figures["python"] = platform.python_version()
    print(f"day run: {figures['readings']} readings through pyserial in "
          f"{figures['wall_seconds']:.2f} s wall "
          f"({figures['simulated_seconds_per_wall_second']:.0f} simulated s per wall s)")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"simulation_day_run": figures}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
