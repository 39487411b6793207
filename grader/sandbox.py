"""The sandbox a project submission runs in, as seen from the grader.

One job = one submission. The grader (root) prepares two places:

- a *private* directory (0700, root): the job's spec, the trusted suite's results and the
  runner's report. The student's code cannot even list it.
- a *sandbox* directory (0755): a fresh copy of the submission, a HOME, a TMPDIR and an
  empty data directory for the SQLite database, all owned by the job's unprivileged uid.

Then it starts ``grader.sandbox_runner`` (see there) inside new network, PID and mount
namespaces with ``unshare``. The runner starts the student's server as the unprivileged
uid with resource limits, runs the trusted contract suite as root over loopback, and
reports. When the runner ends, the kernel kills every process left in its PID namespace.

Where the machine cannot do this (not root, no ``unshare``), `detect_sandbox` says so in
plain words and the grader falls back to resource limits only. ``GRADER_SANDBOX=none``
forces that fallback (tests use it).
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from grader.errors import GraderError

__all__ = [
    "Limits",
    "SandboxCaps",
    "SandboxError",
    "detect_sandbox",
    "kill_uid",
    "run_job",
    "UidLease",
    "Cancelled",
    "kill_running",
]

UID_BASE = 61000
UID_COUNT = 1000
SANDBOX_PORT = 8000
_LOCK_DIR = Path("/run/blink-grader") if Path("/run").is_dir() else Path("/tmp/.blink-grader")


class SandboxError(GraderError, RuntimeError):
    """The sandbox itself could not be prepared or run (not the student's fault)."""


class Cancelled(BaseException):
    """The batch was interrupted while this job ran: record nothing for it."""


_RUNNING: set[subprocess.Popen[bytes]] = set()
_RUNNING_LOCK = threading.Lock()
_STOPPING = threading.Event()


def kill_running() -> None:
    """Stop every job running now (on Ctrl-C); their results are not recorded."""
    _STOPPING.set()
    with _RUNNING_LOCK:
        for proc in _RUNNING:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def reset_stopping() -> None:
    """Allow jobs to run again (a new batch in the same process)."""
    _STOPPING.clear()


@dataclass(frozen=True)
class Limits:
    """Resource limits and timeouts for one submission."""

    memory_bytes: int = 1 << 30  # RLIMIT_AS per process
    processes: int = 64  # RLIMIT_NPROC for the job's uid
    file_bytes: int = 64 << 20  # RLIMIT_FSIZE
    cpu_seconds: int = 60  # RLIMIT_CPU per process
    open_files: int = 256  # RLIMIT_NOFILE
    startup_seconds: float = 20.0  # until /api/v1/health answers
    request_seconds: float = 5.0  # one test's setup, call or teardown
    wall_seconds: float = 150.0  # the whole job
    log_tail_bytes: int = 4096  # of the server's output, kept for feedback


@dataclass(frozen=True)
class SandboxCaps:
    """What isolation this machine gives; `warnings` says plainly what is missing."""

    root: bool
    netns: bool
    warnings: tuple[str, ...] = field(default=())

    @property
    def isolated(self) -> bool:
        """True when submissions get their own user and network namespace."""
        return self.root and self.netns


def detect_sandbox(mode: str | None = None) -> SandboxCaps:
    """Find out which parts of the sandbox this machine provides (GRADER_SANDBOX=none: none)."""
    mode = (mode or os.environ.get("GRADER_SANDBOX") or "auto").lower()
    if mode == "none":
        return SandboxCaps(root=False, netns=False, warnings=(
            "sandbox: disabled by GRADER_SANDBOX=none - student code runs as the grader's "
            "user, can reach the network and could read the hidden tests; "
            "running with resource limits only",))
    if os.geteuid() != 0:
        return SandboxCaps(root=False, netns=False, warnings=(
            "sandbox: no network namespace and no separate user (not root) - student code "
            "can reach the network and could read the hidden tests; "
            "running with resource limits only",))
    unshare = shutil.which("unshare")
    probe = [unshare or "unshare", "--net", "--pid", "--fork", "--mount-proc", "true"]
    try:
        ok = unshare is not None and subprocess.run(probe, capture_output=True,
                                                    timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    if not ok:
        return SandboxCaps(root=True, netns=False, warnings=(
            "sandbox: cannot create namespaces (unshare failed) - student code runs as an "
            "unprivileged user but can reach the network; running with rlimits only",))
    return SandboxCaps(root=True, netns=True)


class UidLease:
    """An unprivileged uid for one job, held with a lock file so no two jobs share it."""

    def __init__(self) -> None:
        _LOCK_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        start = secrets.randbelow(UID_COUNT)
        for offset in range(UID_COUNT):
            uid = UID_BASE + (start + offset) % UID_COUNT
            handle = open(_LOCK_DIR / f"uid-{uid}.lock", "w")  # noqa: SIM115 - held open
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            self.uid, self._handle = uid, handle
            return
        raise SandboxError(f"All {UID_COUNT} sandbox uids are busy; lock files in {_LOCK_DIR}.")

    def release(self) -> None:
        """Kill anything left running as the uid, then free it."""
        kill_uid(self.uid)
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()


def pids_of_uid(uid: int) -> list[int]:
    """Return the pids whose real uid is `uid`, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("Uid:"):
                if int(line.split()[1]) == uid:
                    found.append(int(entry))
                break
    return found


def kill_uid(uid: int, *, rounds: int = 50) -> int:
    """SIGKILL every process of `uid` (a fork bomb included); return how many were seen."""
    seen: set[int] = set()
    for _ in range(rounds):
        pids = pids_of_uid(uid)
        if not pids:
            return len(seen)
        seen.update(pids)
        _kill_all_as(uid)
        time.sleep(0.02)
    return len(seen)


def _kill_all_as(uid: int) -> None:
    """Fork, become `uid` and kill(-1, SIGKILL): every process of that uid at once."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child only signals and exits
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 right now (fallback mode only)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def python_for_sandbox() -> str:
    """Return the interpreter of the grader's venv, which also runs the student's server."""
    venv = Path(sys.prefix) / "bin" / "python"
    return str(venv if venv.exists() else sys.executable)


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    """Return a minimal environment: PATH of the venv and the system, a UTF-8 locale, extra."""
    bin_dir = str(Path(python_for_sandbox()).parent)
    return {"PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8", **extra}


@dataclass
class JobSpec:
    """What the runner needs to know; written as JSON into the private directory."""

    app_dir: str
    prepare: list[list[str]]  # commands run before the server (e.g. Django's migrate)
    server: list[str]
    server_env: dict[str, str]
    uid: int | None
    port: int
    health_path: str
    pytest: list[str]
    pytest_cwd: str
    pytest_env: dict[str, str]
    pytest_results: str
    not_run_flag: str  # argument template: the runner appends it when the server is down
    report: str
    hide: list[str]
    expose: list[str]  # Python's prefixes, to make reachable by the uid (see the runner)
    netns: bool
    limits: dict[str, Any]


def run_job(spec: JobSpec, private_dir: Path, caps: SandboxCaps, limits: Limits) -> dict:
    """Run one job through the runner, within the wall time; return the runner's report."""
    spec_path = private_dir / "spec.json"
    spec_path.write_text(json.dumps(asdict(spec)))
    runner = [python_for_sandbox(), "-I", "-m", "grader.sandbox_runner", str(spec_path)]
    if caps.netns:
        runner = ["unshare", "--net", "--pid", "--fork", "--kill-child", "--mount-proc",
                  "--", *runner]
    started = time.monotonic()
    launched_at = time.time()
    proc = subprocess.Popen(runner, cwd=private_dir, env=clean_env({"HOME": str(private_dir)}),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=_die_with_parent)
    with _RUNNING_LOCK:
        _RUNNING.add(proc)
    try:
        output, _ = proc.communicate(timeout=limits.wall_seconds)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        timed_out = True
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(proc)
    if _STOPPING.is_set():
        raise Cancelled(f"job {private_dir.name} interrupted")
    report = _read_report(Path(spec.report))
    report.update(runner_exit=proc.returncode, wall_timeout=timed_out,
                  runner_output=output.decode("utf-8", "replace")[-4000:],
                  elapsed=time.monotonic() - started, launched_at=launched_at)
    return report


def _read_report(path: Path) -> dict:
    """Return the runner's report, or an empty one when it never wrote it."""
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return {}


def _die_with_parent() -> None:
    """In the child: get SIGKILL when the grader dies, so a kill -9 leaves nothing behind."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)


def make_private_dir(parent: Path, name: str) -> Path:
    """Create a root-only (0700) directory for a job's spec and reports."""
    path = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=parent))
    path.chmod(0o700)
    return path


def make_sandbox_dir(parent: Path, name: str, submission: Path, uid: int | None) -> Path:
    """Create the job's sandbox: app/ (a copy of the submission), home/, tmp/, data/."""
    box = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=parent))
    box.chmod(0o755)
    shutil.copytree(submission, box / "app", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".git"))
    for sub in ("home", "tmp", "data"):
        (box / sub).mkdir(mode=0o700)
    if uid is not None:
        for dirpath, dirnames, filenames in os.walk(box):
            for name_ in dirnames + filenames:
                os.lchown(os.path.join(dirpath, name_), uid, uid)
    return box
