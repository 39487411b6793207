"""Benchmark 3, grading: seconds per submission for the two hubs, beside nbgrader's per notebook.

- Projects: copies of each reference starter graded by `grader.batch.grade` (what
  `grader grade` and `python -m grader.bench` run: the full sandbox, black-box over HTTP, a
  fresh database each), for `flask-hub` and `django-hub` at `-j 1` and `-j 2` (quick mode:
  2 copies of the Flask hub at `-j 2`: the grader's code path is the same for both hubs,
  and the Django hub is exercised by the other quick benchmarks). Every copy must be
  graded (status `graded`), or the figure is refused; the reference solution's mean score
  and any test it lost are recorded too.
  Each batch runs in a child process (`python -m bench.grading ASSIGNMENT COPIES JOBS`).
- Notebooks: `nbgrader autograde` on copies of a solved notebook. Until the course's own
  notebooks exist this uses the grader's small fixture course
  (`tests/grader/fixtures/notebook-demo`, one notebook, three graded cells).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, VENV_BIN, Mode, say, step, warn

PROJECTS = (("flask-hub", "flask"), ("django-hub", "django"))
NOTEBOOK_COURSE = ROOT / "tests" / "grader" / "fixtures" / "notebook-demo"
NOTEBOOK_ASSIGNMENT = "demo"


def nbgrader(args: list[str], course: Path, limit_s: float) -> None:
    """Run one nbgrader command in a course directory; raise with its log if it fails."""
    path = os.pathsep.join([str(VENV_BIN), os.environ.get("PATH", "")])  # nbgrader runs alembic
    done = subprocess.run(
        [str(VENV_BIN / "nbgrader"), *args],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=limit_s,
        env={**os.environ, "PATH": path},
    )
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader {args[0]} failed:\n{(done.stdout + done.stderr)[-1500:]}")


def notebook_course_source() -> tuple[Path, str]:
    """The course notebooks when there are some, else the grader's fixture course."""
    course_notebooks = sorted((ROOT / "notebooks").glob("*/*.ipynb"))
    if course_notebooks:
        return ROOT, course_notebooks[0].parent.name
    return NOTEBOOK_COURSE, NOTEBOOK_ASSIGNMENT


def autograde_notebooks(copies: int, limit_s: float) -> dict:
    """Seconds per notebook for `nbgrader autograde` over `copies` solved submissions."""
    source, assignment = notebook_course_source()
    with tempfile.TemporaryDirectory(prefix="bench-nbgrader-") as tmp:
        course = Path(tmp) / "course"
        course.mkdir()
        shutil.copy2(source / "nbgrader_config.py", course)
        shutil.copytree(source / "notebooks" / assignment, course / "notebooks" / assignment)
        nbgrader(["generate_assignment", assignment, "--force"], course, limit_s)
        notebooks = sorted((course / "notebooks" / assignment).glob("*.ipynb"))
        for n in range(copies):
            folder = course / "submitted" / f"student{n:02d}" / assignment
            folder.mkdir(parents=True)
            for notebook in notebooks:  # the source notebook: a solved submission
                shutil.copy2(notebook, folder / notebook.name)
        started = time.monotonic()
        nbgrader(["autograde", assignment, "--force"], course, limit_s)
        seconds = time.monotonic() - started
    return {
        "what": f"nbgrader autograde, {assignment} ({len(notebooks)} notebook, {copies} copies)",
        "hub": None,
        "jobs": 1,
        "copies": copies,
        "seconds_per_submission": seconds / (copies * len(notebooks)),
        "total_s": seconds,
    }


def grade_copies(assignment: str, copies: int, jobs: int) -> dict:
    """Grade `copies` copies of a reference starter with `grader.batch.grade` (in this process)."""
    from rich.console import Console

    from grader.batch import grade
    from grader.course import load_course

    course = load_course(ROOT)
    target = course.get(assignment)
    leave_out = shutil.ignore_patterns("__pycache__", "instance", "*.sqlite3", "*.sqlite3-*")
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        for index in range(copies):
            folder = Path(tmp) / "submitted" / f"s{index:03d}" / assignment
            shutil.copytree(target.source, folder, ignore=leave_out)
        started = time.monotonic()
        results = grade(
            course,
            assignment,
            course_dir=Path(tmp),
            jobs=jobs,
            force=True,
            console=Console(stderr=True, quiet=True),
        )
        wall = time.monotonic() - started
    graded = [r for r in results if r["status"] == "graded"]
    lost = sorted({t["name"] for r in graded for t in r["tests"] if not t["passed"]})
    return {
        "copies": copies,
        "total_s": wall,
        "seconds_per_submission": wall / copies,
        "graded": len(graded),
        "mean_score": sum(r["score"] for r in graded) / max(len(graded), 1),
        "max_score": results[0]["max_score"] if results else None,
        "tests_failed": lost,
        "mean_timings": mean_timings(graded),
        "not_graded": [
            {
                "student": r["student"],
                "status": r["status"],
                "feedback": r.get("feedback"),
                "grader_log": (r.get("grader_log") or "")[-800:],
            }
            for r in results
            if r["status"] != "graded"
        ],
    }


def mean_timings(results: list[dict]) -> dict[str, float]:
    """The grader's per-job timing breakdown (`timings` in results.json), averaged."""
    totals: dict[str, list[float]] = {}
    for result in results:
        for name, value in (result.get("timings") or {}).items():
            totals.setdefault(name, []).append(value)
    return {name: round(sum(values) / len(values), 3) for name, values in totals.items()}


def grade_projects(assignment: str, copies: int, jobs: int, limit_s: float) -> dict:
    """Grade copies of one project in a child process (a hang cannot stop the run)."""
    if importlib.util.find_spec("grader.batch") is None:
        raise RuntimeError("not available: grader/batch.py does not exist yet")
    command = [sys.executable, "-m", "bench.grading", assignment, str(copies), str(jobs)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=limit_s)
    if done.returncode != 0:
        raise RuntimeError(f"grading {assignment} failed:\n{(done.stdout + done.stderr)[-1500:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if figures["graded"] != copies:
        raise RuntimeError(
            f"{assignment}: the grader graded {figures['graded']} of {copies} copies;"
            f" the others: {json.dumps(figures['not_graded'])[:1500]}"
        )
    return figures


def timing_notes(rows: list[dict]) -> list[str]:
    """One line per project row: where a job's time goes (the grader's breakdown)."""
    notes = []
    for row in rows:
        timings = {k: v for k, v in row.get("mean_timings", {}).items() if k != "job_total"}
        if timings:
            top = sorted(timings.items(), key=lambda item: -item[1])[:4]
            parts = ", ".join(f"{name} {value:.1f} s" for name, value in top)
            notes.append(
                f"{row['what']}: a job takes {row['mean_timings'].get('job_total', 0):.1f} s;"
                f" mostly {parts}."
            )
    return notes


def run(mode: Mode) -> dict:
    """Time project grading and notebook autograding; return the section's JSON."""
    rows: list[dict] = []
    errors: dict[str, str] = {}
    plan = mode.pick([(1, 3), (2, 4)], [(2, 2)])
    projects = mode.pick(PROJECTS, PROJECTS[:1])  # quick: the Flask hub only (same code path)
    for assignment, hub in projects:
        for jobs, copies in plan:
            step(f"grading: {copies} copies of {assignment} at -j {jobs}", mode.pick(120, 30))
            try:
                figures = grade_projects(assignment, copies, jobs, mode.pick(300, 60))
            except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as err:
                errors[f"{assignment} -j {jobs}"] = str(err)
                warn(f"  {str(err)[:300]}")
                continue
            rows.append({"what": f"{hub} hub, -j {jobs}", "hub": hub, "jobs": jobs, **figures})
    copies = mode.pick(5, 1)
    step(f"grading: nbgrader autograde of {copies} notebook(s)", mode.pick(90, 30))
    try:
        rows.append(autograde_notebooks(copies, mode.pick(300, 60)))
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as err:
        errors["nbgrader autograde"] = str(err)
    for row in rows:
        say(f"  {row['what']}: {row['seconds_per_submission']:.2f} s per submission")
    return {
        "rows": rows,
        "errors": errors,
        "notes": [
            "Projects: black-box over HTTP in the grader's sandbox, a fresh database each.",
            *timing_notes(rows),
        ],
    }


if __name__ == "__main__":
    # `python -m bench.grading ASSIGNMENT COPIES JOBS`: one timed batch, its figures as JSON.
    name, count, parallel = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(grade_copies(name, count, parallel)))
