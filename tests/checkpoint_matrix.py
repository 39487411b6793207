"""Build every checkpoint of a project and run the whole contract suite against each one.

    python tests/checkpoint_matrix.py flask-hub            # or django-hub; --keep DIR keeps them

The rule it checks (and tests/test_checkpoints.py asserts in CI): at checkpoint K every
public and hidden contract test of stages 1..K passes, and at checkpoint K-1 every test of
stage K fails. A test that passes before its stage is written tests nothing there, or
belongs to an earlier stage; a test that fails after its stage is written is either broken
or needs a later stage. The table it prints has one row per stage and one column per
checkpoint: the passing tests of that stage at that checkpoint, a staircase when all is well.

The file is also the small pytest plugin (`-p checkpoint_matrix`) that records, for each
test of a run, its stage and whether it passed (setup, call and teardown).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from grader.course import Assignment, load_course  # noqa: E402
from grader.release import checkpoint  # noqa: E402

# --------------------------------------------------------------------------------------------
# the plugin: one record per test
# --------------------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --matrix-out, where the records go."""
    parser.addoption("--matrix-out", default=None, help="write {nodeid: record} JSON here")


class Records:
    """Each test's stage, whether it passed, and the first line of why not."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.tests: dict[str, dict[str, Any]] = {}

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Note every test with its stage, as not passed until its call passes."""
        for item in items:
            marker = item.get_closest_marker("stage")
            stage = marker.args[0] if marker is not None and marker.args else None
            points = item.get_closest_marker("points")
            self.tests[item.nodeid] = {
                "stage": stage,
                "points": points.args[0] if points is not None and points.args else 0,
                "hidden": "/hidden/" in f"/{item.nodeid}",
                "passed": False,
                "why": "not run",
            }

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """A test passes when its call passed and no phase failed or skipped."""
        record = self.tests.get(report.nodeid)
        if record is None:
            return
        if report.when == "call" and report.passed and record["why"] == "not run":
            record.update(passed=True, why="")
        elif report.failed or report.skipped:
            crash = getattr(report.longrepr, "reprcrash", None)
            text = crash.message if crash is not None else str(report.longrepr)
            lines = [line for line in text.splitlines() if line.strip()]
            record.update(passed=False, why=f"{report.when}: " + " | ".join(lines[:3])[:300])

    def pytest_sessionfinish(self) -> None:
        """Write the records (after a --collect-only run too)."""
        Path(self.path).write_text(json.dumps(self.tests, indent=1), encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    """Register the recorder when --matrix-out is given."""
    path = config.getoption("--matrix-out")
    if path:
        config.pluginmanager.register(Records(path), "checkpoint-matrix-records")


# --------------------------------------------------------------------------------------------
# the matrix
# --------------------------------------------------------------------------------------------


@dataclass
class Matrix:
    """The outcome of every contract test at every checkpoint of one project."""

    assignment: str
    stages: int
    # checkpoint -> nodeid -> {"stage", "passed", "why"}
    runs: dict[int, dict[str, dict[str, Any]]] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)

    def violations(self) -> list[str]:
        """Every break of the rule, one sentence each."""
        errors = sorted(self.errors.items())
        found = [f"checkpoint {k}: the suite did not run: {why}" for k, why in errors]
        for k, tests in sorted(self.runs.items()):
            for nodeid, record in tests.items():
                stage = record["stage"]
                if stage is None:
                    found.append(f"{nodeid} has no stage")
                elif k >= stage and not record["passed"]:
                    found.append(
                        f"checkpoint {k}: {nodeid} (stage {stage}) should pass: {record['why']}"
                    )
                elif k == stage - 1 and record["passed"]:
                    found.append(
                        f"checkpoint {k}: {nodeid} (stage {stage}) passes before its stage"
                    )
        return found

    def table(self) -> str:
        """Passing tests per stage (rows) at each checkpoint (columns), as a markdown table."""
        head = "| stage | tests | " + " | ".join(f"cp {k}" for k in sorted(self.runs)) + " |"
        rows = [head, "|" + " --- |" * (len(self.runs) + 2)]
        for stage in range(1, self.stages + 1):
            cells = []
            total = 0
            for k in sorted(self.runs):
                of_stage = [r for r in self.runs[k].values() if r["stage"] == stage]
                total = len(of_stage)
                cells.append(str(sum(r["passed"] for r in of_stage)))
            rows.append(f"| {stage} | {total} | " + " | ".join(cells) + " |")
        return "\n".join(rows)


def stage_rows(records: dict[str, dict[str, Any]]) -> list[tuple[int, int, int, int]]:
    """(stage, public tests, hidden tests, points) for each stage of a run's records."""
    rows = []
    for stage in sorted({r["stage"] for r in records.values() if r["stage"] is not None}):
        of_stage = [r for r in records.values() if r["stage"] == stage]
        public = sum(not r["hidden"] for r in of_stage)
        rows.append((stage, public, len(of_stage) - public, sum(r["points"] for r in of_stage)))
    return rows


def collect(framework: str, contract: Path, out: Path) -> dict[str, dict[str, Any]]:
    """The records of every public and hidden contract test, collected but not run."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(REPO)])}
    subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-p", "checkpoint_matrix", "--matrix-out", str(out), "--backend", framework,
         str(contract / "tests"), str(contract / "hidden")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=True,
    )
    return json.loads(out.read_text(encoding="utf-8"))


def build_checkpoint(assignment: Assignment, stage: int, workdir: Path) -> Path:
    """Write checkpoint `stage` under `workdir`; return its directory."""
    starter = workdir / f"checkpoint-{stage}"
    checkpoint(assignment, stage, out=starter)
    return starter


def run_checkpoint(assignment: Assignment, stage: int, workdir: Path) -> dict[str, Any]:
    """Add the hidden tests to built checkpoint `stage`, run the whole suite; return records."""
    starter = workdir / f"checkpoint-{stage}"
    assert assignment.contract is not None
    shutil.copytree(assignment.contract / "hidden", starter / "contract" / "hidden",
                    ignore=shutil.ignore_patterns("__pycache__"))
    out = workdir / f"checkpoint-{stage}.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(REPO)]),
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "contract", "--backend", str(assignment.framework),
         "-p", "checkpoint_matrix", "--matrix-out", str(out), "-q", "-p", "no:cacheprovider",
         "-W", "ignore::pytest.PytestUnraisableExceptionWarning"],
        cwd=starter, env=env, capture_output=True, text=True, timeout=900, check=False,
    )
    if not out.is_file() or completed.returncode not in (0, 1):
        tail = "\n".join((completed.stdout + completed.stderr).splitlines()[-15:])
        raise RuntimeError(f"pytest exited with {completed.returncode}:\n{tail}")
    return json.loads(out.read_text(encoding="utf-8"))


def run_matrix(name: str, workdir: Path, *, jobs: int = 2) -> Matrix:
    """Every checkpoint 0..N of the project `name`, built under `workdir` and tested."""
    assignment = load_course(REPO).get(name)
    matrix = Matrix(name, len(assignment.stages))
    checkpoints = range(len(assignment.stages) + 1)

    built = []
    for stage in checkpoints:  # one at a time: ast.parse is not safe to run in threads
        try:
            build_checkpoint(assignment, stage, workdir)
            built.append(stage)
        except Exception as error:  # noqa: BLE001 - reported as a violation, never hidden
            matrix.errors[stage] = f"{type(error).__name__}: {error}"

    def one(stage: int) -> None:
        try:
            matrix.runs[stage] = run_checkpoint(assignment, stage, workdir)
        except Exception as error:  # noqa: BLE001 - reported as a violation, never hidden
            matrix.errors[stage] = f"{type(error).__name__}: {error}"

    with ThreadPoolExecutor(max_workers=jobs) as pool:  # the suites run in child processes
        list(pool.map(one, built))
    return matrix


def main(argv: list[str] | None = None) -> int:
    """Print the matrix of one project and its violations; exit 1 when there are any."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignment", help="a project of course.toml, e.g. flask-hub")
    parser.add_argument("--keep", type=Path, default=None, help="build the checkpoints here")
    parser.add_argument("--jobs", type=int, default=2, help="checkpoints tested at once")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="checkpoints-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        matrix = run_matrix(args.assignment, workdir, jobs=args.jobs)
    print(matrix.table())
    problems = matrix.violations()
    for problem in problems:
        print("-", problem)
    print(f"{len(problems)} violation(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
