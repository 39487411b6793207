"""A pytest plugin that records each test's points, hint and outcome as JSON.

Load it with ``-p grader.plugin --grader-results PATH``. For every collected test it writes::

    {"tests": [{"nodeid", "path", "points", "hint", "stage", "stage_title", "outcome",
                "passed", "duration", "message"}], "collect_errors": [...], "exitstatus": int}

``outcome`` is one of passed, failed, error (setup or teardown), skipped, timeout, not_run;
a skipped test is not passed (it earns nothing). Points come from ``@pytest.mark.points(n)``
(default 1), hints from ``@pytest.mark.hint(s)``, the stage from ``@pytest.mark.stage(k)``
(null without one) and its title from the contract plugin (hubcontract's STAGES; null when
it is not loaded). The tests are listed in the order they were collected and run.

Two more options serve the sandbox:

- ``--grader-test-timeout S`` fails a test (setup, call or teardown) that runs longer than
  S seconds, with SIGALRM, so a server that hangs costs one test, not the batch.
- ``--grader-not-run REASON`` collects the tests but runs none: each is recorded as failed
  with REASON (used when the student's server never started).

In the grader's zygote (``--grader-zygote``, see `ZygoteLoop`) each job's child runs the
public tests first and the hidden ones (under ``hidden/``) after them, and records when the
first hidden test started (``marks.hidden_started_at``): the feedback page shows only the
server output from before that moment, so nothing a hidden test sends can reach a page a
student reads (see `grader.feedback.public_log`). The records keep the teaching
order. The child also runs under a memory limit (``--grader-child-memory``).
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import select
import signal
import sys
import time
import traceback
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from grader.results import atomic_write_json

__all__ = ["TestTimeout"]

# long enough for the hub's answer that hubcontract's describe() puts after a few lines
_MESSAGE_LIMIT = 2000
_ORDER = {"passed": 0, "skipped": 1, "failed": 2, "error": 3, "timeout": 4}
HIDDEN_DIR = "hidden"
"""Tests under this directory of the suite are hidden (the rule of TrustedSuite.visibility)."""
CHILD_MEMORY_BYTES = 512 << 20
"""Address space a job's child may add to what it had at the fork (RLIMIT_AS).

Measured: a child has about 65 MB of address space at the fork (Python, pytest, httpx,
the collected suite) and peaks near 76 MB running the whole suite against a reference hub,
so it adds about 12 MB; the client reads at most 4 MiB of an answer (hubcontract's
MAX_RESPONSE_BYTES). 512 MiB is far above both and still keeps this root process, and the
machine, safe from anything a hub sends: past it a MemoryError fails one test.
"""


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
    group.addoption("--grader-zygote", metavar="IN,OUT", default=None,
                    help="collect once, then run the tests once per job read from fd IN, "
                         "each in a forked child (see grader.sandbox.Zygote)")
    group.addoption("--grader-child-memory", metavar="BYTES", type=int,
                    default=CHILD_MEMORY_BYTES,
                    help="address space a zygote's child may add after the fork "
                         f"(RLIMIT_AS; default {CHILD_MEMORY_BYTES >> 20} MiB, 0: no limit)")


def pytest_configure(config: pytest.Config) -> None:
    """Register the course's markers and the recorder."""
    config.addinivalue_line("markers", "points(n): how many points a contract test is worth")
    config.addinivalue_line("markers", "hint(text): what to check when the test fails")
    config.addinivalue_line("markers", "stage(k): the stage of the project that this test checks")
    config.addinivalue_line("markers", "slow: takes more than a few seconds")
    zygote = config.getoption("--grader-zygote")
    if config.getoption("--grader-results") or config.getoption("--grader-not-run") or zygote:
        recorder = Recorder(config)
        config.pluginmanager.register(recorder, "grader-recorder")
        if zygote:
            in_fd, out_fd = (int(fd) for fd in zygote.split(","))
            config.pluginmanager.register(ZygoteLoop(recorder, in_fd, out_fd), "grader-zygote")


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


def marker_stage(item: pytest.Item) -> tuple[int | None, str | None]:
    """Return the test's stage and its title: (k, title), (k, None) or (None, None)."""
    properties = dict(item.user_properties)  # the contract plugin puts both here
    marker = item.get_closest_marker("stage")
    value = properties.get("stage", marker.args[0] if marker and len(marker.args) == 1 else None)
    if not isinstance(value, int) or isinstance(value, bool):
        return None, None
    title = properties.get("stage_title")
    return value, str(title) if title else None


def short_message(report: pytest.TestReport) -> str:
    """Return the first lines of a failure, trimmed for a student to read."""
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr or "")
    if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason)
        text = str(report.longrepr[2]).removeprefix("Skipped: ")
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
        for item in items:
            stage, stage_title = marker_stage(item)
            self.records[item.nodeid] = {
                "nodeid": item.nodeid,
                "path": _relative(Path(str(item.path)), root),
                "points": marker_points(item),
                "hint": marker_hint(item),
                "stage": stage,
                "stage_title": stage_title,
                "outcome": "failed" if self.not_run else "not_run",
                "passed": False,
                "duration": 0.0,
                "message": self.not_run,
            }
        if self.not_run:
            items[:] = []

    def mark_not_run(self, reason: str) -> None:
        """Record every test as failed with `reason` (the server never answered)."""
        self.not_run = reason
        for record in self.records.values():
            record.update(outcome="failed", passed=False, message=reason)

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
        self.write(int(exitstatus))

    def write(self, exitstatus: int) -> None:
        """Write the records to the results path (atomically), if there is one."""
        if not self.path:
            return
        atomic_write_json(Path(self.path), {
            "tests": list(self.records.values()),
            "collect_errors": self.collect_errors,
            "exitstatus": int(exitstatus),
            "marks": {**self.marks, "finished_at": time.time(), "cpu": _cpu_seconds()},
        })


class ZygoteLoop:
    """Collect once, then fork one child per job; each child runs every test once.

    Jobs arrive as JSON lines on fd IN: ``{"id", "backend", "token", "results", "output",
    "netns", "not_run"}``. The child joins the job's network namespace (``netns``, a
    /proc/PID/ns/net path; it refuses to run anywhere else when that fails), points the
    contract plugin at the job's server and token, runs the tests and writes the job's
    results. The loop answers on fd OUT: ``{"ready"}``, ``{"started", "pid"}``, ``{"done",
    "status"}``. It ends when fd IN closes and every child has ended.
    """

    def __init__(self, recorder: Recorder, in_fd: int, out_fd: int) -> None:
        self.recorder, self.in_fd, self.out_fd = recorder, in_fd, out_fd
        self.children: dict[int, str] = {}

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        """Serve jobs instead of running the tests here."""
        self._emit({"ready": True, "collect_errors": len(self.recorder.collect_errors)})
        pending, open_ = b"", True
        while open_ or self.children:
            readable, _, _ = select.select([self.in_fd] if open_ else [], [], [], 0.05)
            if readable:
                chunk = os.read(self.in_fd, 1 << 16)
                open_ = bool(chunk)
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in filter(None, lines):
                    self._fork(session, json.loads(line))
            self._reap()
        return True

    def _emit(self, message: dict[str, Any]) -> None:
        """Send one JSON line to the grader (small enough to be written at once)."""
        os.write(self.out_fd, json.dumps(message).encode() + b"\n")

    def _reap(self) -> None:
        """Tell the grader about every child that ended."""
        while self.children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return
            job = self.children.pop(pid, None)
            if job is not None:
                self._emit({"done": job, "status": os.waitstatus_to_exitcode(status)})

    def _fork(self, session: pytest.Session, job: dict[str, Any]) -> None:
        """Start one job's child."""
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child runs the tests, then exits
            code = 70
            try:
                code = self._child(session, job)
            except BaseException:  # noqa: BLE001 - said in the job's output, exit code 70
                traceback.print_exc()
                sys.stderr.flush()
            finally:
                os._exit(code)
        self.children[pid] = job["id"]
        self._emit({"started": job["id"], "pid": pid})

    def _child(self, session: pytest.Session, job: dict[str, Any]) -> int:
        """In the child: isolate, retarget, run every test, write the results."""
        started = time.time()
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG: die with the loop
        output = os.open(job["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        for fd in (self.in_fd, self.out_fd, output, null):
            os.close(fd)
        if job.get("netns"):
            join_netns(libc, job["netns"])
        config, recorder = session.config, self.recorder
        config.option.backend, config.option.admin_token = job["backend"], job["token"]
        recorder.path = job["results"]
        recorder.marks = {"forked_at": started, "collected_at": time.time(),
                          "memory_at_fork": limit_memory(config.getoption("grader_child_memory"))}
        session.testsfailed = 0
        if job.get("not_run"):
            recorder.mark_not_run(job["not_run"])
        else:
            public, hidden = split_hidden(session.items, recorder)
            run_items(session, public + hidden, recorder.marks, first_hidden=len(public))
        recorder.marks["memory_peak"] = _vm_bytes("VmPeak")
        recorder.write(0)
        return 0


def split_hidden(items: list[pytest.Item],
                 recorder: Recorder) -> tuple[list[pytest.Item], list[pytest.Item]]:
    """The public tests and the hidden ones (under HIDDEN_DIR), each in teaching order.

    A job's child runs the public ones first: no hidden test has sent anything before the
    last public test ended, so nothing the student's server learns from a hidden test can
    show up in a public test's message, or in the output kept for the feedback page
    (everything from before ``hidden_started_at``). The records keep the teaching order.
    """
    def hidden(item: pytest.Item) -> bool:
        record = recorder.records.get(item.nodeid, {})
        return str(record.get("path", "")).split("/", 1)[0] == HIDDEN_DIR

    return [i for i in items if not hidden(i)], [i for i in items if hidden(i)]


def limit_memory(extra: int) -> int:
    """Cap this process's address space at its size now plus `extra` bytes; return its size.

    RLIMIT_AS, set in the child after the fork: a MemoryError then fails the test that
    asked for too much, and the rest of the run goes on. 0: no limit.
    """
    size = _vm_bytes("VmSize")
    if extra > 0 and size > 0:
        resource.setrlimit(resource.RLIMIT_AS, (size + extra, size + extra))
    return size


def _vm_bytes(field: str) -> int:
    """A size from /proc/self/status (VmSize, VmPeak, ...) in bytes; 0 when unknown."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def join_netns(libc: Any, path: str) -> None:
    """Enter the network namespace at path (/proc/PID/ns/net); raise when that fails."""
    clone_newnet = 0x40000000
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, clone_newnet) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns {path}: {os.strerror(err)}")
    finally:
        os.close(fd)


def run_items(session: pytest.Session, items: list[pytest.Item] | None = None,
              marks: dict[str, Any] | None = None, first_hidden: int | None = None) -> None:
    """Run each test once, as pytest's own loop does (Ctrl-C: stop, keep the records).

    items: the order to run them in (default: as collected). When items[first_hidden] is
    about to start, the time goes into marks as ``hidden_started_at``.
    """
    items = session.items if items is None else items
    try:
        for index, item in enumerate(items):
            if index == first_hidden and marks is not None:
                marks["hidden_started_at"] = time.time()
            nextitem = items[index + 1] if index + 1 < len(items) else None
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
    except KeyboardInterrupt:
        return


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


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process (in a zygote child: since the fork)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return round(usage.ru_utime + usage.ru_stime, 3)


def _relative(path: Path, root: Path) -> str:
    """Return path relative to root in POSIX form (the absolute path if outside it)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
