"""Benchmark the grader: seconds per project submission beside nbgrader's per notebook.

    python -m grader.bench --copies 50 -j 2 [--notebooks 5] [--framework django]

Builds a course directory with N copies of a reference starter (Flask by default) as
submissions, grades them with `grader.batch.grade` (the full sandbox), and reports wall
seconds per submission, the mean timing breakdown of a job (`timings` in results.json),
CPU seconds per submission (what it costs on an idle machine: divide by the cores) and
every test a copy lost (the reference should lose none). Then times nbgrader autograde of
the demo notebook assignment (tests/grader/fixtures/notebook-demo) per notebook on the same
machine. Prints a table and
writes bench/results/grader-bench.json; `run_benchmark` returns the same rows for
`bench.run`'s grading section.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from grader.course import load_course
from grader.results import atomic_write_json

__all__ = ["bench_notebooks", "bench_projects", "run_benchmark"]

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "tests" / "grader" / "fixtures" / "notebook-demo"
OUT = REPO / "bench" / "results" / "grader-bench.json"


def bench_projects(copies: int, jobs: int, console: Console,
                   framework: str = "flask") -> dict[str, Any]:
    """Grade `copies` copies of a reference starter at -j `jobs`; return the timing row."""
    from grader.batch import grade

    course = load_course(REPO)
    assignment = course.get(f"{framework}-hub")
    with tempfile.TemporaryDirectory(prefix="grader-bench-") as tmp:
        course_dir = Path(tmp)
        for index in range(copies):
            shutil.copytree(assignment.source, course_dir / "submitted" / f"s{index:03d}" /
                            assignment.name, ignore=shutil.ignore_patterns(
                                "__pycache__", "instance", "*.sqlite3", "*.sqlite3-*"))
        started = time.monotonic()
        results = grade(course, assignment.name, course_dir=course_dir, jobs=jobs,
                        force=True, console=console)
        wall = time.monotonic() - started
    full = sum(1 for r in results if r["score"] == r["max_score"] and r["status"] == "graded")
    return {"hub": framework,
            "what": f"grader grade, {copies} {framework.title()} submissions, -j {jobs}",
            "submissions": copies, "jobs": jobs, "wall_seconds": round(wall, 2),
            "seconds_per_submission": round(wall / copies, 3), "full_marks": full,
            "mean_timings": (timings := mean_timings(results)),
            "cpu_seconds": round(sum(v for k, v in timings.items() if k.startswith("cpu_")), 3),
            "lost": lost_tests(results)}


def mean_timings(results: list[dict[str, Any]]) -> dict[str, float]:
    """Average each entry of the results' `timings` over the submissions."""
    sums: dict[str, float] = {}
    for result in results:
        for name, value in result.get("timings", {}).items():
            sums[name] = sums.get(name, 0.0) + value
    return {name: round(total / max(len(results), 1), 3) for name, total in sums.items()}


def lost_tests(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every test a submission did not pass, and every status-error, for the record."""
    lost = []
    for result in results:
        if result["status"] != "graded":
            lost.append({"student": result["student"], "status": result["status"],
                         "feedback": result["feedback"]})
        lost += [{"student": result["student"], "test": t["name"], "outcome": t["outcome"],
                  "message": t["message"]} for t in result["tests"] if not t["passed"]]
    return lost


def bench_notebooks(count: int, console: Console) -> dict[str, Any]:
    """Autograde `count` copies of the demo notebook with nbgrader; return the timing row."""
    from grader.batch import grade

    with tempfile.TemporaryDirectory(prefix="grader-bench-nb-") as tmp:
        root = Path(tmp) / "course"
        shutil.copytree(DEMO, root)
        course = load_course(root)
        assignment = next(iter(course.assignments.values()))
        for index in range(count):
            shutil.copytree(assignment.source, root / "submitted" / f"s{index:03d}" /
                            assignment.name)
        started = time.monotonic()
        grade(course, assignment.name, course_dir=root, force=True, console=console)
        wall = time.monotonic() - started
    return {"hub": None, "what": f"nbgrader autograde, {count} notebooks",
            "submissions": count, "jobs": 1, "wall_seconds": round(wall, 2),
            "seconds_per_submission": round(wall / count, 3)}


def run_benchmark(copies: int = 50, jobs: int = 2, notebooks: int = 5,
                  console: Console | None = None, framework: str = "flask") -> dict[str, Any]:
    """Run both benchmarks; return {"rows": [...], "cores": n, "load": ...}."""
    console = console or Console(stderr=True)
    load_before = os.getloadavg()[0]
    rows = [bench_projects(copies, jobs, console, framework)]
    if notebooks:
        rows.append(bench_notebooks(notebooks, console))
    return {"rows": rows, "cores": os.cpu_count(),
            "load_average": {"before": round(load_before, 2),
                             "after": round(os.getloadavg()[0], 2)}}


def main(argv: list[str] | None = None) -> int:
    """Command line: run, print a table, write bench/results/grader-bench.json."""
    parser = argparse.ArgumentParser(prog="python -m grader.bench", description=__doc__)
    parser.add_argument("--copies", type=int, default=50, help="Flask submissions to grade")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="parallel jobs")
    parser.add_argument("--notebooks", type=int, default=5,
                        help="demo notebooks to autograde (0: skip)")
    parser.add_argument("--framework", choices=("flask", "django"), default="flask",
                        help="which reference starter to grade copies of")
    args = parser.parse_args(argv)
    console = Console()
    report = run_benchmark(args.copies, args.jobs, args.notebooks, console, args.framework)
    table = Table(title=f"grading benchmark ({report['cores']} cores)")
    for column in ("what", "wall s", "s per submission", "CPU s per submission"):
        table.add_column(column)
    for row in report["rows"]:
        table.add_row(row["what"], f"{row['wall_seconds']:.1f}",
                      f"{row['seconds_per_submission']:.2f}",
                      f"{row['cpu_seconds']:.2f}" if "cpu_seconds" in row else "-")
    console.print(table)
    console.print(f"load average before/after: {report['load_average']}")
    atomic_write_json(OUT, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
