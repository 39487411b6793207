"""Benchmark 5, the feedback loop: how long a student or an instructor waits for a verdict.

- The contract suite in-process against each hub:
  `python -m pytest starter/contract --backend flask|django -q -p no:cacheprovider`.
- `grader check` in a released starter (`python -m grader release flask-hub --out TMP`),
  once as released (every solution replaced by NotImplementedError: most tests fail fast)
  and once solved (the reference hub's modules copied back in: every test runs for real).

Each is timed as a subprocess (wall seconds, with Python's start-up and imports) beside
pytest's own reported duration. Quick mode runs only the tests matching `-k health` in
each: the same commands, to prove they still work, not a figure to quote.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, Mode, Unavailable, say, step
from bench.servers import HUBS

OUTCOME = re.compile(r"(\d+) (passed|failed|errors?|skipped|deselected|xfailed|xpassed)")
PYTEST_SECONDS = re.compile(r" in ([\d.]+)s(?: \([\d:]+\))?(?: =+)?\s*$", re.M)


CHECK_TOTAL = re.compile(r"(\d+)/(\d+) tests passed")


def summarise(output: str) -> tuple[dict[str, int], float | None]:
    """Counts by outcome, and pytest's duration, from pytest's or `grader check`'s summary."""
    lines = [line for line in output.splitlines() if PYTEST_SECONDS.search(line)]
    if not lines:
        check = CHECK_TOTAL.findall(output)
        if not check:
            return {}, None
        passed, total = map(int, check[-1])
        return {"passed": passed, "failed": total - passed}, None
    last = lines[-1]
    counts = {
        kind.rstrip("s") if kind.startswith("error") else kind: int(n)
        for n, kind in OUTCOME.findall(last)
    }
    return counts, float(PYTEST_SECONDS.search(last)[1])


def timed(command: list[str], cwd: Path, limit_s: float) -> dict:
    """Run a command, returning wall seconds, pytest's seconds and the outcome counts."""
    started = time.monotonic()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=limit_s)
    wall = time.monotonic() - started
    counts, pytest_s = summarise(done.stdout)
    ran = sum(n for kind, n in counts.items() if kind not in ("deselected",))
    if not ran:
        raise RuntimeError(
            f"{' '.join(command[1:4])}... ran no test (exit {done.returncode}):\n"
            f"{(done.stdout + done.stderr)[-1500:]}"
        )
    outcome = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    return {"wall_s": wall, "pytest_s": pytest_s, "outcome": outcome, "exit": done.returncode}


def contract_suite(hub: str, mode: Mode) -> dict:
    """The contract suite in-process against one hub."""
    selection = ["-k", "health"] if mode.quick else []
    command = [
        sys.executable,
        "-m",
        "pytest",
        "starter/contract",
        "--backend",
        hub,
        "-q",
        "-p",
        "no:cacheprovider",
        *selection,
    ]
    step(f"feedback: contract suite against the {hub} hub", mode.pick(120, 30))
    row = timed(command, ROOT, mode.pick(300, 60))
    return {"what": f"contract suite, {hub} hub in-process", **row}


def release_starter(out: Path) -> Path:
    """Release the Flask starter as a student gets it; return its directory."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "grader",
            "release",
            "flask-hub",
            "--out",
            str(out),
            "--course-dir",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    starter = out / "flask-hub"
    if done.returncode != 0 or not starter.is_dir():
        raise Unavailable(f"grader release flask-hub failed: {(done.stdout + done.stderr)[-500:]}")
    return starter


def grader_check(starter: Path, label: str, mode: Mode) -> dict:
    """`grader check` in a starter directory."""
    selection = ["-k", "health"] if mode.quick else []
    step(f"feedback: grader check in the {label} starter", mode.pick(120, 30))
    row = timed([sys.executable, "-m", "grader", "check", *selection], starter, mode.pick(300, 60))
    return {"what": f"grader check, {label} flask-hub starter", **row}


def solve(released: Path, into: Path) -> Path:
    """A copy of the released starter with the reference hub's modules put back."""
    shutil.copytree(released, into)
    for module in (ROOT / "starter" / "flask" / "hub").glob("*.py"):
        shutil.copy2(module, into / "hub" / module.name)
    return into


def run(mode: Mode) -> dict:
    """Time the contract suite on each hub and `grader check` in a released starter."""
    rows: list[dict] = []
    errors: dict[str, str] = {}
    for hub in HUBS:
        try:
            rows.append(contract_suite(hub, mode))
        except (RuntimeError, subprocess.TimeoutExpired) as err:
            errors[f"contract suite {hub}"] = str(err)
    with tempfile.TemporaryDirectory(prefix="bench-feedback-") as tmp:
        released = release_starter(Path(tmp) / "release")
        for label, starter in (
            ("released", released),
            ("solved", solve(released, Path(tmp) / "solved")),
        ):
            try:
                rows.append(grader_check(starter, label, mode))
            except (RuntimeError, subprocess.TimeoutExpired) as err:
                errors[f"grader check {label}"] = str(err)
    for row in rows:
        pytest_s = "—" if row["pytest_s"] is None else f"{row['pytest_s']:.1f} s"
        say(f"  {row['what']}: {row['wall_s']:.1f} s wall, pytest {pytest_s}, {row['outcome']}")
    notes = [
        "wall s: the whole command (start-up, imports, collection); pytest s: pytest's own"
        " figure. The released starter fails most tests fast (NotImplementedError)."
    ]
    if mode.quick:
        notes.append("Quick mode: only the tests matching `-k health`.")
    return {"rows": rows, "notes": notes, "errors": errors}
