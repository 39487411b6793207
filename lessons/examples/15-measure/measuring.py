"""Helpers for the tuning examples: seed readings, time two functions, say a ratio, show SQL.

The figures of a timing change from run to run and from machine to machine, so the
examples print what does not change: the answers, the number of SQL statements, SQLite's
plans, and the ratio of two times in words.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import sqlparse

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO))
from bench.queries import seed  # noqa: E402  (the benchmark's own seeding)

READINGS = 1_000_000
"""How many readings the examples store, as the benchmark does: 250,000 for each of 4 sensors."""

__all__ = ["READINGS", "REPO", "best_times", "how_much_faster", "seed", "show_sql"]


def best_times(before, after, runs=15):
    """The shortest of a few runs of each function, taking turns: both meet the same load."""
    times = ([], [])
    for _ in range(runs):
        for function, kept in zip((before, after), times, strict=True):
            start = time.perf_counter()
            function()
            kept.append(time.perf_counter() - start)
    return min(times[0]), min(times[1])


def how_much_faster(before, after):
    """Compare two times in words: more or less than 10 times faster, about as fast, slower."""
    ratio = before / after
    if ratio > 10:
        return "more than 10 times faster"
    if ratio > 1.25:
        return "faster, but less than 10 times"
    if ratio < 0.8:
        return "slower"
    return "about as fast"


def show_sql(sql, plan, indent="    "):
    """Print a statement, laid out on several lines, then the steps of its plan."""
    laid_out = sqlparse.format(sql, reindent=True, keyword_case="upper")
    for line in laid_out.splitlines():
        if line.strip():
            print(indent + line)
    for step in plan:
        print(indent + "  plan: " + step)
