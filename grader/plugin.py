"""A pytest plugin that records each test's points, hint and outcome as JSON.

Load it with ``-p grader.plugin --grader-results PATH``. For every collected test it writes::

    {"tests": [{"nodeid", "path", "points", "hint", "outcome", "passed", "duration",
                "message"}], "collect_errors": [...], "exitstatus": int}

``outcome`` is one of passed, failed, error (setup or teardown), skipped, timeout, not_run.
Points come from ``@pytest.mark.points(n)`` (default 1), hints from ``@pytest.mark.hint(s)``.

Two more options serve the sandbox:

- ``--grader-test-timeout S`` fails a test (setup, call or teardown) that runs longer than
  S seconds, with SIGALRM, so a server that hangs costs one test, not the batch.
- ``--grader-not-run REASON`` collects the tests but runs none: each is recorded as failed
  with REASON (used when the student's server never started).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from grader.results import atomic_write_json

__all__ = ["TestTimeout"]

_MESSAGE_LIMIT = 500
_ORDER = {"passed": 0, "skipped": 1, "failed": 2, "error": 3, "timeout": 4}


class TestTimeout(Exception):  # noqa: N818 - reads best in a test report
    """A test ran longer than --grader-test-timeout seconds."""

    __test__ = False


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the --grader-* options."""
    group = parser.getgroup("grader", "Blink to Backend grader")
    group.addoption("--grader-results", metavar="PATH", default=None,
                    help="write each test's points, hint and outcome to PATH as JSON")
    group.addoption("--grader-test-timeout", metavar="S", type=float, default=0.0,
                    help="fail a test phase that runs longer than S seconds (0: no limit)")
    group.addoption("--grader-not-run", metavar="REASON", default=None,
                    help="collect the tests but run none; record each as failed with REASON")
    group.addoption("--grader-go-fd", metavar="FD", type=int, default=None,
                    help="after collecting, wait for a line on FD: 'go', or 'not_run REASON'")


def pytest_configure(config: pytest.Config) -> None:
    """Register the course's markers and the recorder."""
    config.addinivalue_line("markers", "points(n): how many points a contract test is worth")
    config.addinivalue_line("markers", "hint(text): what to check when the test fails")
    config.addinivalue_line("markers", "slow: takes more than a few seconds")
    if (config.getoption("--grader-results") or config.getoption("--grader-not-run")
            or config.getoption("--grader-go-fd") is not None):
        config.pluginmanager.register(Recorder(config), "grader-recorder")


def marker_points(item: pytest.Item) -> float:
    """Return the test's points marker (1 when absent)."""
    marker = item.get_closest_marker("points")
    if marker is None or not marker.args:
        return 1.0
    return float(marker.args[0])


def marker_hint(item: pytest.Item) -> str | None:
    """Return the test's hint marker, or None."""
    marker = item.get_closest_marker("hint")
    return str(marker.args[0]) if marker is not None and marker.args else None


def short_message(report: pytest.TestReport) -> str:
    """Return the first lines of a failure, trimmed for a student to read."""
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr or "")
    if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason)
        text = str(report.longrepr[2])
    return text.strip()[:_MESSAGE_LIMIT]


class Recorder:
    """Collects one record per test and writes them all at the end of the session."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.path = config.getoption("--grader-results")
        self.not_run = config.getoption("--grader-not-run")
        self.timeout = float(config.getoption("--grader-test-timeout") or 0)
        self.records: dict[str, dict[str, Any]] = {}
        self.collect_errors: list[str] = []
        self.marks: dict[str, float] = {"configured_at": time.time()}

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Record every collected test as not run yet; with --grader-not-run, run none."""
        root = Path(str(self.config.rootpath))
        self.marks["collected_at"] = time.time()
        go_fd = self.config.getoption("--grader-go-fd")
        if go_fd is not None:
            self.not_run = wait_for_go(go_fd) or self.not_run
            self.marks["go_at"] = time.time()
        for item in items:
            self.records[item.nodeid] = {
                "nodeid": item.nodeid,
                "path": _relative(Path(str(item.path)), root),
                "points": marker_points(item),
                "hint": marker_hint(item),
                "outcome": "failed" if self.not_run else "not_run",
                "passed": False,
                "duration": 0.0,
                "message": self.not_run,
            }
        if self.not_run:
            items[:] = []

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """Keep collection errors: a broken trusted suite must not look like a bad student."""
        if report.failed:
            self.collect_errors.append(f"{report.nodeid}: {short_message(report)}")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Fold the setup, call and teardown reports into the test's record."""
        record = self.records.get(report.nodeid)
        if record is None:
            return
        record["duration"] = round(record["duration"] + report.duration, 4)
        outcome = self._outcome(report)
        if outcome is None:
            return
        if record["outcome"] == "not_run" or _ORDER[outcome] > _ORDER.get(record["outcome"], 0):
            record["outcome"] = outcome
            record["message"] = short_message(report) if outcome != "passed" else None
        record["passed"] = record["outcome"] == "passed"

    @staticmethod
    def _outcome(report: pytest.TestReport) -> str | None:
        """Map one phase's report onto the test's outcome (None: nothing to record)."""
        if report.passed:
            return "passed" if report.when == "call" else None
        if report.skipped:
            return "skipped"
        crash = getattr(report.longrepr, "reprcrash", None)
        if crash is not None and "TestTimeout" in crash.message:
            return "timeout"
        return "failed" if report.when == "call" else "error"

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Generator[None, Any, Any]:
        """Run the setup phase under the per-phase timeout."""
        with _alarm(self.timeout):
            return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, Any, Any]:
        """Run the test under the per-phase timeout."""
        with _alarm(self.timeout):
            return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Generator[None, Any, Any]:
        """Run the teardown phase under the per-phase timeout."""
        with _alarm(self.timeout):
            return (yield)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Write the records atomically."""
        if not self.path:
            return
        atomic_write_json(Path(self.path), {
            "tests": list(self.records.values()),
            "collect_errors": self.collect_errors,
            "exitstatus": int(exitstatus),
            "marks": {**self.marks, "finished_at": time.time()},
        })


def wait_for_go(fd: int) -> str | None:
    """Block until the sandbox runner says go (None) or why no test may run (the reason)."""
    with open(fd, encoding="utf-8", closefd=True) as stream:
        line = stream.readline().strip()
    if line == "go":
        return None
    if line.startswith("not_run "):
        return line.removeprefix("not_run ")
    return "not run: the grader stopped before the server was ready"


class _alarm:  # noqa: N801 - used like a function
    """Raise TestTimeout in the main thread after `seconds` (0: do nothing)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.previous: Any = None

    def __enter__(self) -> None:
        if self.seconds > 0:
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        if self.seconds > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)

    def _fire(self, signum: int, frame: object) -> None:
        raise TestTimeout(f"TestTimeout: no answer within {self.seconds:g} s")


def _relative(path: Path, root: Path) -> str:
    """Return path relative to root in POSIX form (the absolute path if outside it)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
