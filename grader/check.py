"""`grader check`: a student's own run of the public tests, as a guide through the stages.

Run inside a released starter (or pass its path). It runs the starter's tests with
`python -m pytest -p grader.plugin`, then prints the guide: one line per stage (points,
tests, ✓ when complete), the current stage in full (the lowest stage with a failing test:
each test with ✓ or ✗, its points, and for a failing one its hint and what actually
happened), the total, and *Next*: the first failing test of that stage, in the order the
lessons teach them. `show` prints another stage in full, or every stage.

The guide itself (grouping, choosing, wording, fitting into the width) is
`starter/contract/hubguide.py`: the same module prints it at the end of a plain
`python -m pytest` in a starter, where the grader is not installed. This module loads the
grader's own copy of it (see `load_hubguide`) and only adds the colours.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from rich.console import Console
from rich.text import Text

from grader.errors import CheckError

__all__ = [
    "HUBGUIDE_PATH", "CheckReport", "load_hubguide", "next_test", "print_report", "run_check",
]

HUBGUIDE_PATH = Path(__file__).resolve().parents[1] / "starter" / "contract" / "hubguide.py"
"""The guide's one implementation, shipped to students inside each starter's contract/."""
MAX_WIDTH = 100
# pytest's exit codes that mean the run itself broke (not that tests failed).
_BROKEN_RUN = {2: "interrupted", 3: "internal error", 4: "usage error", 5: "no tests collected"}
# how each kind of line of the guide is coloured
_STYLES = {"title": "bold", "pass": "green", "fail": "red", "dim": "dim", "hint": "",
           "got": "yellow", "next": "bold cyan"}


@cache
def load_hubguide() -> ModuleType:
    """Import starter/contract/hubguide.py (a plain file, not part of the grader package).

    It is imported under its own name in `sys.modules` ("grader._hubguide"), so it never
    clashes with a `hubguide` that a contract suite put on `sys.path`.
    """
    name = "grader._hubguide"
    spec = importlib.util.spec_from_file_location(name, HUBGUIDE_PATH)
    if spec is None or spec.loader is None or not HUBGUIDE_PATH.is_file():
        raise CheckError(f"the grader cannot find its guide module {HUBGUIDE_PATH}; "
                         "reinstall the course environment (make lab).")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class CheckReport:
    """The outcome of a check run: each test (a hubguide.TestResult) in the order it ran."""

    tests: list[Any]
    exit_status: int

    @property
    def guide(self) -> Any:
        """The tests by stage (hubguide.Guide)."""
        return load_hubguide().Guide(self.tests)

    @property
    def earned(self) -> float:
        """Points earned (tests without a stage beside staged ones earn none)."""
        return self.guide.earned

    @property
    def possible(self) -> float:
        """Points possible."""
        return self.guide.possible

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
    result = load_hubguide().TestResult.from_record
    return CheckReport(tests=[result(record) for record in document["tests"]],
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


def next_test(report: CheckReport) -> Any:
    """The first failing test of the lowest unfinished stage (None when all pass)."""
    return report.guide.next


def print_report(report: CheckReport, console: Console, *, show: int | str | None = None) -> None:
    """Print the guide: the stages, one of them in full (`show`: K or "all"), what to do next."""
    hubguide = load_hubguide()
    width = min(console.width, MAX_WIDTH)
    for line in hubguide.render(report.guide, width=width, show=show):
        # test ids, hints and the hub's messages are text, never rich markup
        console.print(Text(line.text, style=_STYLES.get(line.style, "")), no_wrap=True,
                      overflow="ellipsis", crop=True, highlight=False)
