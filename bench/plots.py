"""The two PNG plots of the report: ingestion throughput and query times (matplotlib Agg)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"baseline": "#9e9e9e", "flask": "#1f77b4", "django": "#2e7d32"}
QUERY_LABELS = {"latest": "latest per sensor", "window": "time-window page", "stats": "stats"}


def plot_ingestion(data: dict, path: Path) -> Path | None:
    """Bars: requests/s of single POSTs and readings/s of batch POSTs, per server."""
    cases = data.get("cases", [])
    if not cases:
        return None
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for axis, kind, key, label in (
        (axes[0], "single", "requests_per_s", "single-reading POSTs: requests/s"),
        (axes[1], "batch", "readings_per_s", "batch POSTs (100): readings/s"),
    ):
        rows = [r for r in cases if r["kind"] == kind]
        bars = axis.bar(
            [r["server"] for r in rows],
            [r[key] for r in rows],
            color=[COLOURS.get(r["server"], "#555") for r in rows],
        )
        for bar, row in zip(bars, rows, strict=True):
            ratio = row.get("ratio_to_baseline")
            text = f"{row[key]:,.0f}" + (f"\n×{ratio:.2f}" if ratio is not None else "")
            axis.annotate(
                text,
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=8,
            )
        axis.set_title(label, fontsize=10)
        axis.margins(y=0.25)
        axis.spines[["top", "right"]].set_visible(False)
    fig.suptitle(
        f"Ingestion (gunicorn, 2 workers, SQLite WAL; {data.get('load_generator', '')})",
        fontsize=10,
    )
    return save(fig, path)


def plot_queries(data: dict, path: Path) -> Path | None:
    """Grouped bars (log scale): median ms per query, per hub, with and without indexes."""
    results = data.get("results", [])
    if not results:
        return None
    series = [
        (s, i)
        for s in ("flask", "django")
        for i in ("contract", "dropped")
        if any(r["server"] == s and r["indexes"] == i for r in results)
    ]
    fig, axis = plt.subplots(figsize=(9, 3.8))
    width = 0.8 / max(len(series), 1)
    for n, (server, indexes) in enumerate(series):
        values = [
            next(
                (
                    r["median_ms"]
                    for r in results
                    if (r["query"], r["server"], r["indexes"]) == (q, server, indexes)
                ),
                0,
            )
            for q in QUERY_LABELS
        ]
        positions = [x + n * width for x in range(len(QUERY_LABELS))]
        bars = axis.bar(
            positions,
            values,
            width,
            color=COLOURS[server],
            alpha=1.0 if indexes == "contract" else 0.45,
            hatch=None if indexes == "contract" else "//",
            label=f"{server}" + ("" if indexes == "contract" else ", indexes dropped"),
        )
        axis.bar_label(bars, labels=[f"{v:,.1f}" for v in values], fontsize=7)
    axis.set_xticks(
        [x + width * (len(series) - 1) / 2 for x in range(len(QUERY_LABELS))],
        list(QUERY_LABELS.values()),
    )
    axis.set_yscale("log")
    axis.set_ylabel("median ms per request (log)")
    axis.set_title(f"Queries over {data.get('readings', 0):,} readings", fontsize=10)
    axis.legend(fontsize=8, frameon=False)
    axis.spines[["top", "right"]].set_visible(False)
    return save(fig, path)


def save(fig: plt.Figure, path: Path) -> Path:
    """Write a figure as PNG and free it."""
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_all(results: dict[str, dict], out: Path) -> list[Path]:
    """Every plot that has data; returns the files written."""
    written = [
        plot_ingestion(results.get("ingestion", {}), out / "ingestion.png"),
        plot_queries(results.get("queries", {}), out / "queries.png"),
    ]
    return [path for path in written if path is not None]
