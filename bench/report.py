"""Turn `bench/results/*.json` into one table (markdown and rich) and two PNG plots.

`build_tables(results)` is pure: section JSON in, a list of `Table`s out; `to_markdown`
and `to_rich` render them. `build()` reads the results directory, writes `table.md`,
`ingestion.png` and `queries.png` there, prints the table, and with `publish=True` copies
the three files into `lessons/assets/bench/`, where the course's "Flask vs Django,
measured" lesson includes them.
"""

from __future__ import annotations

import os
import platform
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.table import Table as RichTable
from rich.text import Text

from bench.common import RESULTS, ROOT, console, read_result

SECTIONS = ("ingestion", "queries", "grading", "feedback", "simulation")
PUBLISHED = ROOT / "lessons" / "assets" / "bench"
QUERY_NAMES = {
    "latest": "latest per sensor",
    "window": "time-window page (100)",
    "stats": "stats of one sensor",
}


@dataclass
class Table:
    """One titled table: headers, rows of cells already formatted, and notes under it."""

    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def num(value: float | None, digits: int = 0) -> str:
    """A number with thousands separators, or an em dash when missing."""
    return "—" if value is None else f"{value:,.{digits}f}"


def ingestion_table(data: dict) -> Table:
    """Requests/s, readings/s, latency and ratio to the baseline per server and case."""
    table = Table(
        "Ingestion",
        ["server", "POSTs", "requests/s", "readings/s", "p50 ms", "p99 ms", "× baseline"],
    )
    for row in data.get("cases", []):
        ratio = row.get("ratio_to_baseline")
        table.rows.append(
            [
                row["server"],
                "1 reading" if row["kind"] == "single" else f"{row['batch']} readings",
                num(row["requests_per_s"]),
                num(row["readings_per_s"]),
                num(row["p50_ms"], 1),
                num(row["p99_ms"], 1),
                "—" if ratio is None else f"{ratio:.2f}",
            ]
        )
    table.notes.append(
        f"gunicorn, {data.get('gunicorn_workers', '?')} sync workers each, SQLite WAL on one disk;"
        f" {data.get('load_generator', '?')}, {data.get('connections', '?')} connections,"
        f" {data.get('seconds_per_case', '?')} s per case."
    )
    return table


def queries_table(data: dict) -> Table:
    """Median milliseconds per query, per hub, with and without the contract's indexes."""
    cells: dict[tuple[str, str, str], float] = {
        (r["query"], r["server"], r["indexes"]): r["median_ms"] for r in data.get("results", [])
    }
    columns = [(s, i) for s in ("flask", "django") for i in ("contract", "dropped")]
    table = Table(
        "Queries (median ms per request)",
        ["query"] + [f"{s}{'' if i == 'contract' else ', no indexes'}" for s, i in columns],
    )
    for query, label in QUERY_NAMES.items():
        table.rows.append([label] + [num(cells.get((query, s, i)), 1) for s, i in columns])
    table.notes.append(
        f"{num(data.get('readings'))} readings stored, {data.get('sensors', '?')} sensors;"
        f" median of {data.get('repetitions', '?')} requests {data.get('via', '')}."
    )
    covering = [
        f"{s} {num(cells[('stats', s, 'covering')], 1)} ms"
        for s in ("flask", "django")
        if ("stats", s, "covering") in cells
    ]
    if covering:
        table.notes.append(
            "Stats with one more index, covering it (device, sensor, recorded_at,"
            f" value): {', '.join(covering)}."
        )
    for server, names in data.get("dropped_indexes", {}).items():
        table.notes.append(f"{server}: dropped {', '.join(names) or 'nothing'}.")
    return table


def rows_table(title: str, headers: list[str], keys: list[str], data: dict) -> Table:
    """A table straight from a section's `rows` list."""
    table = Table(title, headers)
    for row in data.get("rows", []):
        table.rows.append(
            [row.get(k) if isinstance(row.get(k), str) else num(row.get(k), 2) for k in keys]
        )
    table.notes += data.get("notes", [])
    return table


def targets_table(results: dict[str, dict]) -> Table:
    """The issue's targets, what was measured, and whether it was reached."""
    table = Table("Targets", ["target", "measured", "reached"])
    for target, measured, reached in target_checks(results):
        table.rows.append([target, measured, {True: "yes", False: "**no**", None: "—"}[reached]])
    return table


def target_checks(results: dict[str, dict]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, reached) for each target of the issue."""
    checks = []
    cases = results.get("ingestion", {}).get("cases", [])
    for hub in ("flask", "django"):
        ratio = next(
            (c["ratio_to_baseline"] for c in cases if c["server"] == hub and c["kind"] == "single"),
            None,
        )
        checks.append(
            (
                f"{hub}: ≥ 0.4 × baseline single-POST throughput",
                "—" if ratio is None else f"{ratio:.2f} ×",
                None if ratio is None else ratio >= 0.4,
            )
        )
        batch = next(
            (c["readings_per_s"] for c in cases if c["server"] == hub and c["kind"] == "batch"),
            None,
        )
        checks.append(
            (
                f"{hub}: batch ingestion > 5,000 readings/s",
                f"{num(batch)} /s",
                None if batch is None else batch > 5000,
            )
        )
        stats, latest = (
            next(
                (
                    r["median_ms"]
                    for r in results.get("queries", {}).get("results", [])
                    if r["server"] == hub and r["query"] == query and r["indexes"] == "contract"
                ),
                None,
            )
            for query in ("stats", "latest")
        )
        checks.append(
            (
                f"{hub}: latest per sensor over the stored readings < 100 ms",
                f"{num(latest, 1)} ms",
                None if latest is None else latest < 100,
            )
        )
        covering = next(
            (
                r["median_ms"]
                for r in results.get("queries", {}).get("results", [])
                if r["server"] == hub and r["query"] == "stats" and r["indexes"] == "covering"
            ),
            None,
        )
        checks.append(
            (
                f"{hub}: stats over the stored readings < 100 ms",
                f"{num(stats, 1)} ms"
                + ("" if covering is None else f" (covering index: {num(covering, 1)} ms)"),
                None if stats is None else stats < 100,
            )
        )
        grading = [
            r["seconds_per_submission"]
            for r in results.get("grading", {}).get("rows", [])
            if r.get("hub") == hub and r.get("seconds_per_submission") is not None
        ]
        best = min(grading) if grading else None
        checks.append(
            (
                f"{hub}: grading < 2 s per submission",
                f"{num(best, 2)} s",
                None if best is None else best < 2,
            )
        )
    return checks


def last_line(message: str) -> str:
    """The most telling line of an error: the last non-empty one (a traceback's exception)."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if len(lines) <= 1:
        return lines[0] if lines else ""
    return f"{lines[0].rstrip(':')} … {lines[-1]}"


def status_table(results: dict[str, dict]) -> Table:
    """Which benchmark ran, when, how long it took, and what went wrong."""
    table = Table("Runs", ["benchmark", "mode", "status", "seconds", "problem"])
    for name in SECTIONS:
        data = results.get(name)
        if data is None:
            table.rows.append([name, "—", "not run", "—", ""])
            continue
        problems = [last_line(data.get("error") or "")] + [
            f"{k}: {last_line(v)}" for k, v in data.get("errors", {}).items()
        ]
        problem = "; ".join(p for p in problems if p).replace("|", "\\|")
        table.rows.append(
            [
                name,
                "quick" if data.get("quick") else "full",
                data.get("status", "?"),
                num(data.get("duration_s"), 1),
                problem[:300],
            ]
        )
    return table


def build_tables(results: dict[str, dict]) -> list[Table]:
    """Every table of the report, in the order of the issue."""
    tables = []
    if "ingestion" in results:
        tables.append(ingestion_table(results["ingestion"]))
    if "queries" in results:
        tables.append(queries_table(results["queries"]))
    if "grading" in results:
        tables.append(
            rows_table(
                "Grading",
                ["what", "seconds per submission"],
                ["what", "seconds_per_submission"],
                results["grading"],
            )
        )
    if "simulation" in results:
        tables.append(
            rows_table(
                "Simulation",
                ["what", "figure", "unit"],
                ["what", "value", "unit"],
                results["simulation"],
            )
        )
    if "feedback" in results:
        tables.append(
            rows_table(
                "Feedback loop",
                ["what", "wall s", "pytest s", "outcome"],
                ["what", "wall_s", "pytest_s", "outcome"],
                results["feedback"],
            )
        )
    return tables + [targets_table(results), status_table(results)]


def to_markdown(tables: list[Table], heading: str) -> str:
    """All tables as one markdown document (headings at level 3, for inclusion)."""
    lines = [heading, ""]
    for table in tables:
        lines += [
            f"### {table.title}",
            "",
            "| " + " | ".join(table.headers) + " |",
            "|"
            + "|".join(" --- " if i == 0 else " ---: " for i in range(len(table.headers)))
            + "|",
        ]
        lines += ["| " + " | ".join(row) + " |" for row in table.rows]
        lines += [""] + [f"*{note}*  " for note in table.notes] + ([""] if table.notes else [])
    return "\n".join(lines).rstrip() + "\n"


def to_rich(table: Table) -> RichTable:
    """One table for the terminal."""
    caption = Text("\n".join(table.notes)) if table.notes else None
    rich = RichTable(title=table.title, caption=caption, title_justify="left")
    for index, header in enumerate(table.headers):
        rich.add_column(header, justify="left" if index == 0 else "right")
    for row in table.rows:  # Text, not markup: cells may hold [brackets] from error messages
        rich.add_row(*[Text(cell.replace("**", "")) for cell in row])
    return rich


def load_results(results_dir: Path = RESULTS) -> dict[str, dict]:
    """Every section's JSON found in the results directory."""
    found = {name: read_result(name, results=results_dir) for name in SECTIONS}
    return {name: data for name, data in found.items() if data is not None}


def machine() -> str:
    """One line about where the figures come from."""
    return (
        f"{os.cpu_count()} cores, {platform.system()} {platform.release()},"
        f" Python {platform.python_version()}"
    )


def build(
    *, total_s: float | None = None, publish: bool = False, results_dir: Path = RESULTS
) -> Path:
    """Write table.md and the plots, print the table; copy them for the site if asked."""
    results = load_results(results_dir)
    tables = build_tables(results)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    heading = f"*Measured {when} on {machine()}" + (
        f"; the whole run took {total_s:.0f} s.*" if total_s is not None else ".*"
    )
    path = results_dir / "table.md"
    results_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(to_markdown(tables, heading), encoding="utf-8")
    for table in tables:
        console.print(to_rich(table))
    from bench import plots  # matplotlib is slow to import; only when plotting

    written = plots.plot_all(results, results_dir)
    console.print(f"wrote {path}" + "".join(f", {p}" for p in written))
    if publish:
        PUBLISHED.mkdir(parents=True, exist_ok=True)
        for source in [path, *written]:
            shutil.copy2(source, PUBLISHED / source.name)
        console.print(f"published to {PUBLISHED.relative_to(ROOT)}/")
    return path


if __name__ == "__main__":
    # `python -m bench.report [--publish]`: rebuild the table and plots from the JSON.
    import sys

    build(publish="--publish" in sys.argv[1:])
