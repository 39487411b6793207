"""Benchmark 1, ingestion: reading POSTs per second on the baseline and both hubs.

Every server runs the same way (gunicorn, 2 sync workers, a fresh SQLite WAL file in one
temporary directory). Two cases each: single-reading POSTs and batch POSTs of 100
readings. wrk (2 threads, 8 connections) or, when wrk cannot be had, a Python asyncio
client; the JSON says which one ran (`load_generator`). Ratios to the baseline are what to
compare: absolute numbers move with the machine's noise. To make the ratios fair on a
shared machine, all three servers run at once and each case is cut into slices (5 × 2 s in
full mode) that visit the servers in turn, so a burst of outside load hits all of them.
Throughput is the total over the slices; p50 and p99 are the median of the slices' values.

gunicorn's sync workers close the connection after each answer, so every request opens a
new TCP connection (on loopback, cheap): the same for all three servers.
"""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import ExitStack
from pathlib import Path

import httpx

from bench import loadgen
from bench.common import Mode, median, say, step, warn
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


def aggregate(name: str, kind: str, batch: int, slices: list[dict]) -> dict:
    """One row from a case's interleaved slices: totals, and the median slice's latencies."""
    requests = sum(piece["requests"] for piece in slices)
    seconds = sum(piece["seconds"] for piece in slices)
    rate = requests / seconds if seconds else 0.0
    return {
        "server": name,
        "kind": kind,
        "batch": max(batch, 1),
        "requests": requests,
        "seconds": round(seconds, 2),
        "requests_per_s": rate,
        "readings_per_s": rate * max(batch, 1),
        "p50_ms": median([piece["p50_ms"] for piece in slices]),
        "p99_ms": median([piece["p99_ms"] for piece in slices]),
        "errors": sum(piece["errors"] for piece in slices),
        "non_2xx": sum(piece["non_2xx"] for piece in slices),
        "slices": slices,
    }


def measure_case(
    served: dict[str, Served],
    index: int,
    kind: str,
    batch: int,
    slice_s: float,
    rounds: int,
    wrk: str | None,
) -> list[dict]:
    """Load every server in turn, `rounds` times, so the machine's noise hits all alike."""
    slices: dict[str, list[dict]] = {name: [] for name in served}
    step(
        f"ingestion: {kind} POSTs, {len(served)} servers × {rounds} rounds × {slice_s:g} s",
        len(served) * rounds * (slice_s + 2),
    )
    for round_no in range(rounds):
        for name, app in served.items():
            seq_base = (index * rounds + round_no + 1) * 10**12
            slices[name].append(load(app, batch, seq_base, slice_s, wrk))
    rows = [aggregate(name, kind, batch, pieces) for name, pieces in slices.items()]
    for row in rows:
        say(
            f"  {row['server']:>8}: {row['requests_per_s']:,.0f} req/s,"
            f" {row['readings_per_s']:,.0f} readings/s, p50 {row['p50_ms']:.1f} ms,"
            f" p99 {row['p99_ms']:.1f} ms"
        )
        check_answers(row["server"], kind, row)
    return rows


def start_servers(
    stack: ExitStack, names: tuple[str, ...], tmp: Path, errors: dict[str, str]
) -> dict[str, Served]:
    """Serve every app at once (idle sync workers cost nothing); note the ones that fail."""
    served = {}
    for name in names:
        step(f"ingestion: starting {name} (gunicorn, 2 workers, fresh SQLite WAL)", 40)
        try:
            served[name] = stack.enter_context(serve(name, tmp))
        except (RuntimeError, OSError, sqlite3.Error, httpx.HTTPError) as err:
            errors[name] = f"{type(err).__name__}: {err}"
            warn(f"  {name} failed to start: {errors[name][:300]}")
    return served


def check_stored(served: dict[str, Served], rows: list[dict]) -> None:
    """Record how many readings each server really stored beside how many it acknowledged."""
    for name, app in served.items():
        stored = stored_readings(app.db_path)
        for row in rows:
            if row["server"] == name:
                row["stored_readings_total"] = stored


def add_ratios(rows: list[dict]) -> None:
    """Each row's throughput as a ratio to the baseline's in the same case."""
    base = {r["kind"]: r["requests_per_s"] for r in rows if r["server"] == "baseline"}
    for row in rows:
        reference = base.get(row["kind"])
        row["ratio_to_baseline"] = row["requests_per_s"] / reference if reference else None


def run(mode: Mode, *, servers: tuple[str, ...] = SERVERS) -> dict:
    """Measure every server's ingestion and return the section's JSON."""
    slice_s, rounds = mode.pick(2, 1), mode.pick(5, 1)
    wrk, note = loadgen.ensure_wrk()
    generator = "wrk" if wrk else "python-asyncio (fallback: " + note + ")"
    say(f"load generator: {generator}")
    rows: list[dict] = []
    errors: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp, ExitStack() as stack:
        served = start_servers(stack, servers, Path(tmp), errors)
        for index, (kind, batch) in enumerate(CASES):
            try:
                rows += measure_case(served, index, kind, batch, slice_s, rounds, wrk)
            except (RuntimeError, OSError, ValueError) as err:
                errors[kind] = f"{type(err).__name__}: {err}"
                warn(f"  {kind} failed: {errors[kind][:300]}")
        check_stored(served, rows)
    add_ratios(rows)
    return {
        "load_generator": generator,
        "seconds_per_case": slice_s * rounds,
        "rounds": rounds,
        "connections": CONNECTIONS,
        "threads": THREADS if wrk else 1,
        "gunicorn_workers": 2,
        "batch_size": BATCH,
        "cases": rows,
        "errors": errors,
    }
