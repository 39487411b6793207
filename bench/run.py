"""Run the benchmark suite: `python -m bench.run [--quick] [--only ingestion,queries,...]`.

A pipeline: each benchmark module's `run(mode)` returns a dict, written to
`bench/results/<name>.json` with its status and duration; then `bench.report` prints one
table, writes `bench/results/table.md` and the PNG plots. A benchmark that fails is
recorded as failed (with the error) and the others still run; the exit status is 1 when
any benchmark failed or was unavailable, so CI's quick run catches rot.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: `python bench/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.markup import escape  # noqa: E402

from bench import report  # noqa: E402
from bench.common import RESULTS, Mode, Unavailable, say, write_result  # noqa: E402
from bench.report import last_line  # noqa: E402

# The order matters: ingestion and queries start servers and want the machine quiet;
# grading and the feedback loop run whole test suites; simulation is cheapest, so last.
SECTIONS = ("ingestion", "queries", "grading", "feedback", "simulation")
EPILOG = """examples:
  make bench                                   everything (5–6 min on 2 cores), and publish
  make bench QUICK=1                           everything, small (< 1 min): what CI runs
  python -m bench.run --only ingestion,queries
  python -m bench.report                       rebuild the table and plots from the JSON

Results: bench/results/<benchmark>.json, table.md, ingestion.png, queries.png.
Exit status 1 when a benchmark failed or could not run; the table shows why."""


def run_section(name: str, mode: Mode) -> dict:
    """Run one benchmark, never letting its failure stop the others; return its record."""
    started = time.monotonic()
    record: dict = {"name": name, "quick": mode.quick, "started_at": datetime.now(UTC).isoformat()}
    try:
        module = importlib.import_module(f"bench.{name}")
        record.update(module.run(mode))
        record["status"] = "failed" if record.get("errors") else "ok"
    except Unavailable as err:
        record.update(status="unavailable", error=str(err))
    # A broken benchmark is recorded, shown in the table and turns the exit status to 1:
    # catching everything here reports the failure instead of hiding it.
    except Exception as err:  # noqa: BLE001
        record.update(
            status="failed", error=f"{type(err).__name__}: {err}", traceback=traceback.format_exc()
        )
    record["duration_s"] = round(time.monotonic() - started, 2)
    write_result(name, record)
    colour = {"ok": "green", "unavailable": "yellow"}.get(record["status"], "red")
    say(
        f"[{colour}]{name}: {record['status']}[/{colour}] in {record['duration_s']} s"
        + (f" — {escape(last_line(record['error']))}" if record.get("error") else "")
    )
    return record


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Run the benchmarks, then print and write one table and the plots.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smaller sizes and shorter runs (under a minute); for CI",
    )
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated benchmarks to run (default: {','.join(SECTIONS)})",
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="copy table.md and the plots into lessons/assets/bench/ for the site",
    )
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(args.only) - set(SECTIONS))
    if unknown:
        parser.error(
            f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}"
        )
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks, then the report; 1 if any benchmark did not succeed."""
    args = parse_args(argv)
    mode = Mode(quick=args.quick)
    started = time.monotonic()
    say(
        f"benchmarks: {', '.join(args.only)} ({'quick' if mode.quick else 'full'} mode);"
        f" results in {RESULTS.relative_to(RESULTS.parents[1])}/"
    )
    records = [run_section(name, mode) for name in args.only]
    total = time.monotonic() - started
    report.build(total_s=total, publish=args.publish)
    bad = [r["name"] for r in records if r["status"] != "ok"]
    say(f"done in {total:.1f} s" + (f"; [red]not ok: {', '.join(bad)}[/red]" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
