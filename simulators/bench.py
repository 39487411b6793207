"""``python -m simulators.bench``: how fast the simulation runs.

Reads one simulated day of ``sensor_reporter`` at 1 Hz (86,400 readings) through pyserial
on a virtual clock, prints simulated seconds per wall second, and writes the figures as
JSON to ``bench/results/simulators-bench.json`` (or ``--out``; ``simulation.json`` there
belongs to the repository's own benchmark, ``bench/simulation.py``, which runs this one and
reads that file back). It also times the serial line itself: bytes echoed by the
``loopback`` sketch at 115200 baud, each one paced at the baud rate both ways.

Wall time is what a reader waits; CPU time (``time.process_time``) is the work this
process did, which other programs on a busy machine inflate less. Compare runs made back
to back on the same machine.
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
ECHO_URL = "sim://uno?sketch=loopback&clock=virtual&banner=0&boot_ms=0&baud=115200"


def day_run(readings: int = 86_400) -> dict[str, float]:
    """Read ``readings`` sample lines through pyserial; return the figures."""
    port = serial.serial_for_url(URL, timeout=5)
    try:
        port.readline()  # the boot banner
        start, cpu_start = time.perf_counter(), time.process_time()
        for _ in range(readings):
            line = port.readline()
            if not line.startswith(b"{"):
                raise RuntimeError(f"unexpected line {line!r}")
        wall = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        simulated = port.board.clock.now()
    finally:
        port.close()
    return {"readings": readings, "wall_seconds": round(wall, 3),
            "cpu_seconds": round(cpu, 3),
            "microseconds_per_reading": round(wall / readings * 1e6, 1),
            "simulated_seconds": round(simulated, 3),
            "simulated_seconds_per_wall_second": round(simulated / wall, 1),
            "readings_per_wall_second": round(readings / wall, 1)}


def echo_run(size: int = 20_000) -> dict[str, float]:
    """Write ``size`` bytes to the loopback sketch and read them back; return the figures."""
    data = bytes(range(256)) * (size // 256 + 1)
    port = serial.serial_for_url(ECHO_URL, baudrate=115200, timeout=60)
    try:
        start = time.perf_counter()
        sent = 0
        while sent < size:  # 4 KB at a time: what the computer's buffer takes at once
            chunk = data[sent:min(size, sent + 4096)]
            port.write(chunk)
            if port.read(len(chunk)) != chunk:
                raise RuntimeError("the loopback sketch did not echo what was written")
            sent += len(chunk)
        wall = time.perf_counter() - start
        simulated = port.board.clock.now()
        lost = port.board.serial.dropped
    finally:
        port.close()
    return {"bytes": size, "wall_seconds": round(wall, 3),
            "simulated_seconds": round(simulated, 3), "bytes_lost": lost,
            "bytes_per_wall_second": round(size / wall, 1)}


def main(argv: list[str] | None = None) -> int:
    """Run the day benchmark and write the JSON."""
    parser = argparse.ArgumentParser(
        prog="python -m simulators.bench", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  python -m simulators.bench --out /tmp/day.json")
    parser.add_argument("--out", default="bench/results/simulators-bench.json",
                        help="where to write the JSON "
                             "(default: bench/results/simulators-bench.json)")
    parser.add_argument("--readings", type=int, default=86_400,
                        help="how many readings (default: 86400, one day at 1 Hz)")
    parser.add_argument("--echo-bytes", type=int, default=20_000,
                        help="bytes echoed by the loopback sketch (default: 20000)")
    args = parser.parse_args(argv)
    figures = day_run(args.readings)
    figures["python"] = platform.python_version()
    print(f"day run: {figures['readings']} readings through pyserial in "
          f"{figures['wall_seconds']:.2f} s wall, {figures['cpu_seconds']:.2f} s CPU "
          f"({figures['simulated_seconds_per_wall_second']:.0f} simulated s per wall s)")
    echo = echo_run(args.echo_bytes)
    print(f"echo: {echo['bytes']} bytes at 115200 baud there and back in "
          f"{echo['wall_seconds']:.2f} s wall ({echo['simulated_seconds']:.2f} s simulated, "
          f"{echo['bytes_lost']} lost)")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"simulation_day_run": figures, "serial_echo": echo},
                              indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
