"""Benchmark 2, queries: latest-per-sensor, a time-window page and stats over many readings.

For each hub: serve it with gunicorn (as in the ingestion benchmark), register the device
through the API, post one reading per sensor through the API (to check the seeded rows
look like the hub's own), then seed 1,000,000 readings (20,000 in quick mode) straight into
the hub's readings table with `sqlite3.executemany`. The three queries are timed over HTTP
with one keep-alive httpx client (median of N requests, after one warm-up), first with the
hub's indexes, then stats alone with one more index that covers it (`device, sensor,
recorded_at, value`: SQLite answers from the index without reading the table), then
everything with the indexes dropped.

What "dropped" means: every named index on the readings table goes (`DROP INDEX`). The
`UNIQUE (device, seq)` constraint stays: it is what makes a retry safe, and SQLite keeps it
as an automatic index that cannot be dropped without rebuilding the table.
"""

from __future__ import annotations

import math
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.common import Mode, median, percentile, say, step, warn
from bench.servers import HUBS, Served, serve

SENSORS = (("humidity", "%"), ("light", "lx"), ("motion", None), ("temperature", "C"))
START = datetime(2026, 1, 1, tzinfo=UTC)
STEP_S = 1  # one reading per second, the sensors taking turns
READINGS_TABLES = ("readings", "hub_reading")
COVERING = "bench_stats_covering"  # added for one extra stats run, then dropped with the rest


def readings_table(db: sqlite3.Connection) -> str:
    """The name of the hub's readings table."""
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    found = [name for name in READINGS_TABLES if name in names]
    if not found:
        raise RuntimeError(f"no readings table among {sorted(names)}")
    return found[0]


def time_format(sample: str) -> tuple[str, str]:
    """How the hub stores a time: the date/time separator and the offset suffix, if any."""
    separator = "T" if "T" in sample else " "
    suffix = next((s for s in ("+00:00", "Z") if sample.endswith(s)), "")
    return separator, suffix


def seed_rows(device_id: str, count: int, separator: str, suffix: str):
    """Yield `count` readings as rows in the column order of `seed`."""
    first = START.replace(tzinfo=None) + timedelta(microseconds=123_456)
    for n in range(count):
        sensor, unit = SENSORS[n % len(SENSORS)]
        when = (first + timedelta(seconds=n * STEP_S)).isoformat(sep=separator) + suffix
        value = round(20 + 5 * math.sin(n / 3600), 3)
        yield (device_id, sensor, value, unit, when, when, n)


def seed(db_path: Path, device_id: str, count: int) -> dict:
    """Insert `count` readings directly; indexes are dropped first and rebuilt after."""
    started = time.monotonic()
    with sqlite3.connect(db_path) as db:
        table = readings_table(db)
        sample = db.execute(f"SELECT recorded_at FROM {table} LIMIT 1").fetchone()
        if sample is None:
            raise RuntimeError("the readings posted through the API were not stored")
        separator, suffix = time_format(sample[0])
        db.execute(f"DELETE FROM {table}")
        indexes = drop_indexes(db, table)
        db.executemany(
            f"INSERT INTO {table} (device_id, sensor, value, unit, recorded_at, received_at, seq)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            seed_rows(device_id, count, separator, suffix),
        )
        for sql in indexes.values():
            db.execute(sql)
    checkpoint(db)
    return {"table": table, "indexes": sorted(indexes), "seconds": time.monotonic() - started}


def checkpoint(db: sqlite3.Connection) -> None:
    """Move the WAL into the database file and close: later reads do not wade through it."""
    busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    db.close()
    if busy:
        raise RuntimeError("the WAL checkpoint was blocked by a reader; figures would be skewed")


def drop_indexes(db: sqlite3.Connection, table: str) -> dict[str, str]:
    """Drop every named index of `table`; return their CREATE statements by name."""
    rows = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=? AND sql IS NOT NULL",
        (table,),
    ).fetchall()
    for name, _ in rows:
        db.execute(f'DROP INDEX "{name}"')
    return dict(rows)


def add_covering_index(db_path: Path, table: str) -> None:
    """Add the index that answers stats alone: (device, sensor, recorded_at, value)."""
    with sqlite3.connect(db_path) as db:
        db.execute(f"CREATE INDEX {COVERING} ON {table} (device_id, sensor, recorded_at, value)")
    checkpoint(db)


def query_urls(served: Served, count: int) -> dict[str, str]:
    """The three queries: latest per sensor, one hour's page of one sensor, stats of one sensor."""
    base = f"{served.url}/api/v1/devices/{served.device_id}/readings"
    middle = START + timedelta(seconds=count * STEP_S // 2)
    since, until = (middle.isoformat(), (middle + timedelta(hours=1)).isoformat())
    since, until = since.replace("+", "%2B"), until.replace("+", "%2B")
    return {
        "latest": f"{base}/latest",
        "window": f"{base}?sensor=temperature&since={since}&until={until}&limit=100",
        "stats": f"{base}/stats?sensor=temperature",
    }


def check_answer(query: str, answer: httpx.Response, count: int) -> None:
    """Make sure the hub answered the query from the seeded readings."""
    if answer.status_code != 200:
        raise RuntimeError(f"{query} answered {answer.status_code}: {answer.text[:300]}")
    body = answer.json()
    expected = {
        "latest": lambda: len(body["readings"]) == len(SENSORS),
        "window": lambda: len(body["readings"]) == min(100, 3600 // len(SENSORS)),
        "stats": lambda: body["count"] == count // len(SENSORS),
    }[query]
    if not expected():
        raise RuntimeError(f"{query} answered something unexpected: {str(body)[:300]}")


def time_query(
    client: httpx.Client, query: str, url: str, count: int, reps: int, budget_s: float
) -> dict:
    """Median and p90 milliseconds over up to `reps` requests (after one warm-up)."""
    check_answer(query, client.get(url), count)  # one warm-up: caches, connections
    times: list[float] = []
    spent_until = time.monotonic() + budget_s
    while len(times) < reps and (len(times) < 3 or time.monotonic() < spent_until):
        started = time.perf_counter()
        answer = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        check_answer(query, answer, count)
    return {"median_ms": median(times), "p90_ms": percentile(times, 90), "requests": len(times)}


def post_samples(served: Served) -> None:
    """Post one reading per sensor through the API, so the hub writes rows its own way."""
    readings = [
        {"sensor": s, "value": 1.5, "unit": u, "seq": n} for n, (s, u) in enumerate(SENSORS)
    ]
    answer = httpx.post(
        served.readings_url,
        json={"readings": readings},
        headers={"X-API-Key": served.api_key},
        timeout=10,
    )
    if answer.status_code != 201:
        raise RuntimeError(f"posting sample readings answered {answer.status_code}: {answer.text}")


def measure_hub(hub: str, tmp: Path, count: int, reps: int, budget_s: float) -> tuple[list, dict]:
    """Seed one hub and time the three queries with and without its indexes."""
    rows, dropped = [], {}
    with serve(hub, tmp) as served, httpx.Client(timeout=120) as client:
        post_samples(served)
        step(f"queries: seeding {count:,} readings into the {hub} hub", 30)
        seeded = seed(served.db_path, served.device_id, count)
        say(f"  seeded {seeded['table']} in {seeded['seconds']:.1f} s")
        for indexes in ("contract", "covering", "dropped"):
            if indexes == "covering":
                add_covering_index(served.db_path, seeded["table"])
            if indexes == "dropped":
                with sqlite3.connect(served.db_path) as db:
                    dropped = sorted(set(drop_indexes(db, seeded["table"])) - {COVERING})
                checkpoint(db)
            for query, url in query_urls(served, count).items():
                if indexes == "covering" and query != "stats":
                    continue
                step(f"queries: {hub}, {query}, indexes {indexes}", budget_s + 5)
                figures = time_query(client, query, url, count, reps, budget_s)
                rows.append({"server": hub, "indexes": indexes, "query": query, **figures})
                say(f"  median {figures['median_ms']:.1f} ms over {figures['requests']} requests")
    return rows, {"dropped": dropped, "seed_seconds": round(seeded["seconds"], 2)}


def run(mode: Mode, *, hubs: tuple[str, ...] = HUBS) -> dict:
    """Time the queries on each hub and return the section's JSON."""
    count = mode.pick(1_000_000, 20_000)
    reps, budget_s = mode.pick(20, 3), mode.pick(6.0, 1.0)
    results: list[dict] = []
    dropped: dict[str, list[str]] = {}
    seeding: dict[str, float] = {}
    errors: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="bench-queries-") as tmp:
        for hub in hubs:
            try:
                rows, info = measure_hub(hub, Path(tmp), count, reps, budget_s)
            except (RuntimeError, OSError, sqlite3.Error, httpx.HTTPError) as err:
                errors[hub] = f"{type(err).__name__}: {err}"
                warn(f"  {hub} failed: {errors[hub][:300]}")
                continue
            results += rows
            dropped[hub], seeding[hub] = info["dropped"], info["seed_seconds"]
    return {
        "readings": count,
        "sensors": len(SENSORS),
        "repetitions": reps,
        "via": "over HTTP to gunicorn (2 sync workers), one keep-alive httpx client",
        "results": results,
        "dropped_indexes": dropped,
        "kept": "the UNIQUE (device, seq) constraint (SQLite's automatic index)",
        "seed_seconds": seeding,
        "errors": errors,
    }
