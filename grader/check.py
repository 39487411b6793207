"""`grader check`: a student's own run of the public tests, with points and hints.

Run inside a released starter (or pass its path). It runs the starter's tests with
`python -m pytest -p grader.plugin`, then prints one line per test (✓ or ✗, points earned
of possible, the hint of a failed test), the total, and which test to work on next: the
failing test worth the most points, the first one in order on a tie.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from grader.errors import CheckError

__all__ = ["CheckReport", "TestLine", "next_test", "print_report", "run_check"]

# pytest's exit codes that mean the run itself broke (not that tests failed).
_BROKEN_RUN = {2: "interrupted", 3: "internal error", 4: "usage error", 5: "no tests collected"}


@dataclass(frozen=True)
class TestLine:
    """One test's outcome as the student sees it."""

    name: str
    points: float
    passed: bool
    outcome: str
    hint: str | None
    message: str | None

    @property
    def earned(self) -> float:
        """Points earned: all or nothing."""
        return self.points if self.passed else 0.0


@dataclass(frozen=True)
class CheckReport:
    """The outcome of a check run."""

    tests: list[TestLine]
    exit_status: int

    @property
    def earned(self) -> float:
        """Points earned across the tests."""
        return sum(t.earned for t in self.tests)

    @property
    def possible(self) -> float:
        """Points possible across the tests."""
        return sum(t.points for t in self.tests)

    @property
    def all_passed(self) -> bool:
        """True when every test passed."""
        return all(t.passed for t in self.tests)


def looks_like_starter(path: Path) -> bool:
    """True when `path` holds a starter project (a hub package and wsgi.py or manage.py)."""
    return (path / "hub").is_dir() and any((path / n).is_file() for n in ("wsgi.py", "manage.py"))


def run_check(path: Path, *, pytest_args: list[str] | None = None) -> CheckReport:
    """Run the starter's tests in `path` with the grader's plugin and read the results."""
    path = Path(path).resolve()
    if not looks_like_starter(path):
        raise CheckError(
            f"{path} is not a starter project (no hub/ with wsgi.py or manage.py); run "
            "`grader check` inside the released starter or pass --path DIR."
        )
    with tempfile.TemporaryDirectory(prefix="grader-check-") as tmp:
        results = Path(tmp) / "results.json"
        command = [sys.executable, "-m", "pytest", "-p", "grader.plugin",
                   "--grader-results", str(results), "-q", "--no-header", "-p", "no:cacheprovider",
                   *(pytest_args or [])]
        completed = subprocess.run(command, cwd=path, capture_output=True, text=True,
                                   env=_environment(), check=False)
        document = _read(results)
    if document is None or completed.returncode in _BROKEN_RUN:
        raise CheckError(_broken_message(completed))
    return CheckReport(tests=[_line(record) for record in document["tests"]],
                       exit_status=completed.returncode)


def _environment() -> dict[str, str]:
    """The child's environment: ours, with the grader importable and no stray coverage."""
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    return env


def _read(path: Path) -> dict[str, Any] | None:
    """The plugin's JSON, or None when pytest never wrote it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def _broken_message(completed: subprocess.CompletedProcess[str]) -> str:
    """Explain a pytest run that could not run the tests."""
    why = _BROKEN_RUN.get(completed.returncode, f"exit status {completed.returncode}")
    tail = "\n".join((completed.stdout + completed.stderr).strip().splitlines()[-20:])
    return (f"The tests could not run ({why}). pytest said:\n{tail}\n"
            "Fix the error above (often an import error or a syntax error), then check again.")


def _line(record: dict[str, Any]) -> TestLine:
    """Turn one plugin record into a TestLine."""
    return TestLine(name=record["nodeid"], points=float(record["points"]),
                    passed=bool(record["passed"]), outcome=record["outcome"],
                    hint=record.get("hint"), message=record.get("message"))


def next_test(report: CheckReport) -> TestLine | None:
    """The failing test worth the most points (the first in order on a tie)."""
    failing = [t for t in report.tests if not t.passed]
    return max(failing, key=lambda t: t.points, default=None)


def print_report(report: CheckReport, console: Console) -> None:
    """Print the per-test table, the total, and what to work on next."""
    table = Table(title="Public tests", show_lines=False)
    table.add_column("", width=1)
    table.add_column("test")
    table.add_column("points", justify="right")
    table.add_column("hint")
    for test in report.tests:
        mark = "[green]✓[/]" if test.passed else "[red]✗[/]"
        hint = "" if test.passed else (test.hint or test.message or "")
        # test ids and hints are text, never rich markup ("[/api/v1/...]" is a parameter id)
        table.add_row(mark, escape(test.name), f"{_fmt(test.earned)}/{_fmt(test.points)}",
                      escape(hint))
    console.print(table)
    passed = sum(t.passed for t in report.tests)
    console.print(f"Total: [bold]{_fmt(report.earned)}/{_fmt(report.possible)}[/] points, "
                  f"{passed}/{len(report.tests)} tests passed.")
    upcoming = next_test(report)
    if upcoming is None:
        console.print("[green]Every public test passes.[/] The hidden tests check more of the "
                      "contract: read openapi.yaml for the cases you have not tried yet.")
    else:
        advice = upcoming.hint or upcoming.message or "read the test to see what it expects"
        console.print(f"Next: [bold]{escape(upcoming.name)}[/] ({_fmt(upcoming.points)} "
                      f"points) - {escape(advice)}")


def _fmt(value: float) -> str:
    """A number without a trailing .0."""
    return f"{value:g}"
