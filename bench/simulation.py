"""Benchmark 4, simulation: how much faster than real time the simulated boards run.

- `python -m simulators.bench`: a `sensor_reporter` Uno reporting at 1 Hz for a simulated
  day (quick: 4 hours), read through pyserial (`sim://` URL) on the virtual clock; it
  prints and writes simulated seconds per wall second, which this benchmark reads back.
- A fleet: `python -m simulators fleet` with 100 devices (quick: 10) streaming to the Flask
  hub served by gunicorn (as in the ingestion benchmark), twice: in real time (one sample
  per device per second for 10 s; quick: 2 s), then sped up (`--speed 60`, one sample per
  device every 10 simulated seconds for 10 simulated minutes; quick: 2 minutes). Simulated
  seconds per wall second is the simulated duration over the command's whole wall time
  (registering the devices and draining the queue included), so it is at most `--speed`:
  the fleet runs a sped-up real-time clock, not the virtual one. Why 60 and not more: the
  fleet's clock starts before it registers its devices and its run ends `duration` after
  registering, so its readings end up `registration time × speed` ahead of the wall clock,
  and the hub refuses readings more than 5 minutes in the future (at `--speed 600`, one
  second of registration is already 10 minutes). Readings per second are
  counted in the hub's database: what the hub really stored; the fleet's own summary line
  (generated, acknowledged, lost, queued) is kept beside them.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.common import RESULTS, ROOT, Mode, say, step
from bench.queries import readings_table
from bench.servers import Served, serve

SUMMARY = re.compile(r"\b(generated|sent|acknowledged|retried|queued|lost) (\d+)")


@dataclass(frozen=True)
class FleetRun:
    """One fleet run: how many devices, how often they sample, for how long, how fast."""

    devices: int
    interval: float
    duration: float
    speed: float
    prefix: str


def count_readings(db_path: Path) -> int:
    """How many readings the hub has stored."""
    with sqlite3.connect(db_path) as db:
        count = db.execute(f"SELECT count(*) FROM {readings_table(db)}").fetchone()[0]
    db.close()
    return count


def reporter_day(readings: int, limit_s: float) -> dict:
    """Run `simulators.bench` for `readings` 1 Hz readings and return its figures."""
    if importlib.util.find_spec("simulators.bench") is None:
        raise RuntimeError("not available: simulators/bench.py does not exist yet")
    out = RESULTS / "simulators-bench.json"  # simulation.json is this benchmark's own file
    out.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "simulators.bench",
        "--readings",
        str(readings),
        "--out",
        str(out),
    ]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=limit_s)
    wall = time.monotonic() - started
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"simulators.bench failed:\n{(done.stdout + done.stderr)[-1500:]}")
    figures = json.loads(out.read_text())["simulation_day_run"]
    return {"figures": figures, "stdout": done.stdout[-2000:], "wall_s": wall}


def fleet(hub: Served, tmp: Path, run: FleetRun, limit_s: float) -> dict:
    """Stream a fleet into the served hub; count what the hub stored per wall second."""
    before = count_readings(hub.db_path)
    command = [
        sys.executable,
        "-m",
        "simulators",
        "fleet",
        "--backend",
        hub.url,
        f"--admin-token={hub.admin_token}",  # "=": a token may start with "-"
        "--devices",
        str(run.devices),
        "--interval",
        str(run.interval),
        "--duration",
        str(run.duration),
        "--speed",
        str(run.speed),
        "--quiet",
        "--prefix",
        run.prefix,
        "--state",
        str(tmp / f"{run.prefix}.queue.sqlite"),
    ]
    started = time.monotonic()
    done = subprocess.run(command, cwd=tmp, capture_output=True, text=True, timeout=limit_s)
    wall = time.monotonic() - started
    stored = count_readings(hub.db_path) - before
    summary = {kind: int(n) for kind, n in SUMMARY.findall(done.stdout)}
    if done.returncode != 0 or not summary:
        raise RuntimeError(
            f"the fleet failed ({done.returncode}):\n{(done.stdout + done.stderr)[-1500:]}"
        )
    return {
        **asdict(run),
        "wall_s": wall,
        "stored": stored,
        "stored_per_wall_s": stored / wall,
        "simulated_per_wall_s": run.duration / wall,
        "summary": summary,
        "stderr_tail": done.stderr[-1000:],
    }


def fleet_row(figures: dict) -> dict:
    """One table row for a fleet run: readings/s in real time, else simulated s per wall s."""
    summary = figures["summary"]
    kept_up = summary.get("lost", 1) == 0 and summary.get("queued", 1) == 0
    what = (
        f"fleet of {figures['devices']} devices → Flask hub, a sample every"
        f" {figures['interval']:g} simulated s, --speed {figures['speed']:g}:"
        f" {summary.get('acknowledged', 0):,} acknowledged,"
        f" {'nothing lost' if kept_up else 'SOME LOST OR STILL QUEUED'}"
    )
    if figures["speed"] == 1:
        return {
            "what": what,
            "value": figures["stored_per_wall_s"],
            "unit": "readings stored per wall s",
        }
    return {
        "what": what,
        "value": figures["simulated_per_wall_s"],
        "unit": "simulated s per wall s",
    }


def run(mode: Mode) -> dict:
    """Measure the simulated day and the fleet; return the section's JSON."""
    rows: list[dict] = []
    errors: dict[str, str] = {}
    raw: dict = {"fleet": []}
    readings = mode.pick(86_400, 14_400)
    step(f"simulation: sensor_reporter, {readings:,} readings at 1 Hz (simulators.bench)", 60)
    try:
        raw["reporter"] = reporter_day(readings, mode.pick(120, 40))
        rows.append(
            {
                "what": f"sensor_reporter Uno at 1 Hz through pyserial sim://,"
                f" {readings / 3600:g} simulated hours",
                "value": raw["reporter"]["figures"].get("simulated_seconds_per_wall_second"),
                "unit": "simulated s per wall s",
            }
        )
    except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as err:
        errors["sensor_reporter day"] = str(err)
    devices = mode.pick(100, 10)
    runs = [
        FleetRun(devices, 1, mode.pick(10, 2), 1, "rt"),
        FleetRun(devices, 10, mode.pick(600, 120), 60, "fast"),
    ]
    try:
        with (
            tempfile.TemporaryDirectory(prefix="bench-fleet-") as tmp,
            serve("flask", Path(tmp)) as hub,
        ):
            for fleet_run in runs:
                step(
                    f"simulation: fleet of {devices} devices, {fleet_run.duration:g} simulated s"
                    f" at --speed {fleet_run.speed:g}, into the Flask hub",
                    mode.pick(60, 20),
                )
                figures = fleet(hub, Path(tmp), fleet_run, mode.pick(120, 40))
                raw["fleet"].append(figures)
                rows.append(fleet_row(figures))
    except (RuntimeError, OSError, sqlite3.Error, subprocess.TimeoutExpired) as err:
        errors["fleet"] = str(err)
    for row in rows:
        say(f"  {row['what']}: {row['value']:,.1f} {row['unit']}")
    return {"rows": rows, "raw": raw, "errors": errors}
