"""Benchmark 1, ingestion: reading POSTs per second on the baseline and both hubs.

Every server runs the same way (gunicorn, 2 sync workers, a fresh SQLite WAL file in one
temporary directory). Two cases each: single-reading POSTs and batch POSTs of 100
readings. wrk (2 threads, 8 keep-alive connections) or, when wrk cannot be had, a Python
asyncio client; the JSON says which one ran (`load_generator`). Ratios to the baseline are
what to compare: absolute numbers move with the machine's noise.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from bench import loadgen
from bench.common import Mode, say, step
from bench.servers import HUBS, Served, serve

BATCH = 100
CONNECTIONS = 8
THREADS = 2
CASES = (("single", 0), ("batch", BATCH))
SERVERS = ("baseline", *HUBS)


def load(served: Served, batch: int, seq_base: int, seconds: float, wrk: str | None) -> dict:
    """Run one timed case against a served app and return its figures."""
    if wrk:
        result, _ = loadgen.run_wrk(
            wrk,
            served.readings_url,
            served.api_key,
            batch=batch,
            seq_base=seq_base,
            seconds=seconds,
            connections=CONNECTIONS,
            threads=THREADS,
        )
    else:
        result = loadgen.run_python(
            served.readings_url,
            served.api_key,
            batch=batch,
            seq_base=seq_base,
            seconds=seconds,
            connections=CONNECTIONS,
        )
    figures = result.as_dict()
    figures["readings_per_s"] = result.requests_per_s * max(batch, 1)
    return figures


def check_answers(name: str, kind: str, figures: dict) -> None:
    """Refuse figures made of errors: every answer 2xx, socket errors under 1 %."""
    if (
        figures["non_2xx"]
        or figures["errors"] > 0.01 * figures["requests"]
        or not figures["requests"]
    ):
        raise RuntimeError(
            f"{name} {kind}: {figures['requests']} requests, {figures['non_2xx']} not 2xx,"
            f" {figures['errors']} socket errors; see the server log"
        )


def stored_readings(db_path: Path) -> int:
    """How many readings the server really stored (checks the load was not refused)."""
    with sqlite3.connect(db_path) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        table = next(t for t in tables if t in ("readings", "hub_reading", "reading"))
        count = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    db.close()
    return count


def measure_server(name: str, tmp: Path, seconds: float, wrk: str | None) -> list[dict]:
    """Serve one app and run both cases against it."""
    rows = []
    with serve(name, tmp) as served:
        for index, (kind, batch) in enumerate(CASES):
            step(f"ingestion: {name}, {kind} POSTs", seconds + 5)
            figures = load(served, batch, (index + 1) * 10**12, seconds, wrk)
            rows.append({"server": name, "kind": kind, "batch": max(batch, 1), **figures})
            check_answers(name, kind, figures)
            say(
                f"  {figures['requests_per_s']:,.0f} req/s, {figures['readings_per_s']:,.0f}"
                f" readings/s, p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms"
            )
        stored = stored_readings(served.db_path)
    expected = sum(row["requests"] * row["batch"] for row in rows)
    for row in rows:
        row["stored_readings_total"] = stored
        row["expected_readings_total"] = expected
    return rows


def add_ratios(rows: list[dict]) -> None:
    """Each row's throughput as a ratio to the baseline's in the same case."""
    base = {r["kind"]: r["requests_per_s"] for r in rows if r["server"] == "baseline"}
    for row in rows:
        reference = base.get(row["kind"])
        row["ratio_to_baseline"] = row["requests_per_s"] / reference if reference else None


def run(mode: Mode, *, servers: tuple[str, ...] = SERVERS) -> dict:
    """Measure every server's ingestion and return the section's JSON."""
    seconds = mode.pick(10, 2)
    wrk, note = loadgen.ensure_wrk()
    generator = "wrk" if wrk else "python-asyncio (fallback: " + note + ")"
    say(f"load generator: {generator}")
    rows: list[dict] = []
    errors: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        for name in servers:
            try:
                rows += measure_server(name, Path(tmp), seconds, wrk)
            except (RuntimeError, OSError, sqlite3.Error, ValueError) as err:
                errors[name] = f"{type(err).__name__}: {err}"
                say(f"[red]  {name} failed: {errors[name][:300]}[/red]")
    add_ratios(rows)
    return {
        "load_generator": generator,
        "seconds_per_case": seconds,
        "connections": CONNECTIONS,
        "threads": THREADS if wrk else 1,
        "gunicorn_workers": 2,
        "batch_size": BATCH,
        "cases": rows,
        "errors": errors,
    }
