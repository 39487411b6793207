"""The sandbox a project submission runs in, as seen from the grader.

One job = one submission. The grader (root) prepares two places:

- a *private* directory (0700, root): the job's spec, the trusted suite's results and the
  runner's report. The student's code cannot even list it.
- a *sandbox* directory (0755): a fresh copy of the submission, a HOME, a TMPDIR and an
  empty data directory for the SQLite database, all owned by the job's unprivileged uid.

Then it starts ``grader.sandbox_runner`` (see there) inside new network, PID and mount
namespaces with ``unshare``. The runner starts the student's server as the unprivileged
uid with resource limits and says when it answers (or why it never will). The trusted
suite runs in the batch's `Zygote`: one pytest, started once, that imported and collected
the suite; per job it forks a child that joins that job's network namespace (and nothing
else of it) and runs every test over loopback HTTP. Then the grader tells the runner to
stop; when the runner ends, the kernel kills every process left in its PID namespace.

Where the machine cannot do this (not root, no ``unshare``), `detect_sandbox` says so in
plain words and the grader falls back to resource limits only. ``GRADER_SANDBOX=none``
forces that fallback (tests use it).
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import select
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
from grader.sandbox_runner import kill_all_as

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
    "Zygote",
]

UID_BASE = 61000
UID_COUNT = 1000
SANDBOX_PORT = 8000
SERVE_MODULE = "blink_serve"  # the copy of grader/serve.py in each sandbox's serve/ dir
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
    request_seconds: float = 10.0  # one test's setup, call or teardown (a hung request)
    wall_seconds: float = 150.0  # the whole job
    log_tail_bytes: int = 4096  # of the server's output, kept for feedback
    scratch_bytes: int = 256 << 20  # the tmpfs (RAM) under data/ and under tmp/, each


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
        kill_all_as(uid)
        time.sleep(0.02)
    return len(seen)


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
    report: str
    hide: list[str]
    expose: list[str]  # Python's prefixes, to make reachable by the uid (see the runner)
    scratch: dict[str, int]  # dir -> bytes: a tmpfs of that size there (data/, tmp/)
    netns: bool
    limits: dict[str, Any]


def run_job(spec: JobSpec, private_dir: Path, caps: SandboxCaps, limits: Limits,
            zygote: Zygote, suite_job: dict[str, Any]) -> dict:
    """Run one job: the runner starts the server, the zygote runs the suite against it.

    Returns the runner's report, with the suite's outcome under "suite".
    """
    spec_path = private_dir / "spec.json"
    spec_path.write_text(json.dumps(asdict(spec)))
    runner = [python_for_sandbox(), "-I", "-m", "grader.sandbox_runner", str(spec_path)]
    if caps.netns:
        runner = ["unshare", "--net", "--pid", "--fork", "--kill-child", "--mount-proc",
                  "--", *runner]
    started = time.monotonic()
    deadline = started + limits.wall_seconds
    launched_at = time.time()
    with open(private_dir / "runner.log", "wb") as runner_log:
        proc = subprocess.Popen(runner, cwd=private_dir,
                                env=clean_env({"HOME": str(private_dir)}),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=runner_log, start_new_session=True,
                                preexec_fn=_die_with_parent)
    with _RUNNING_LOCK:
        _RUNNING.add(proc)
    suite: dict[str, Any] = {}
    try:
        ready = _read_line(proc.stdout, deadline)
        if ready is not None and not _STOPPING.is_set():
            state = json.loads(ready)
            netns = f"/proc/{proc.pid}/ns/net" if caps.netns else None
            suite = zygote.run({**suite_job, "not_run": state["not_run"], "netns": netns},
                               deadline - time.monotonic() - 5)
        timed_out = _finish_runner(proc, deadline)
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(proc)
    if _STOPPING.is_set():
        raise Cancelled(f"job {private_dir.name} interrupted")
    report = _read_report(Path(spec.report))
    report.update(runner_exit=proc.returncode, wall_timeout=timed_out or suite.get("cut", False),
                  runner_output=_tail(private_dir / "runner.log", 4000), suite=suite,
                  elapsed=time.monotonic() - started, launched_at=launched_at)
    return report


def _read_line(stream: Any, deadline: float) -> bytes | None:
    """Read one line from a pipe before the deadline (None: EOF or too late)."""
    fd, line = stream.fileno(), b""
    while not line.endswith(b"\n"):
        readable, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
        if not readable:
            return None
        chunk = os.read(fd, 1)
        if not chunk:
            return None
        line += chunk
    return line


def _finish_runner(proc: subprocess.Popen[bytes], deadline: float) -> bool:
    """Tell the runner the suite is done and wait for it; True when it had to be killed."""
    try:
        proc.stdin.write(b"done\n")
        proc.stdin.close()
    except BrokenPipeError:
        pass
    try:
        proc.wait(timeout=max(deadline - time.monotonic(), 10))
        return False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return True
    finally:
        proc.stdout.close()


def _tail(path: Path, size: int) -> str:
    """Return the last `size` characters of a text file ('' when missing)."""
    try:
        return path.read_bytes()[-size:].decode("utf-8", "replace")
    except OSError:
        return ""


def _read_report(path: Path) -> dict:
    """Return the runner's report, or an empty one when it never wrote it."""
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return {}


class Zygote:
    """The trusted pytest, started once per batch: it imports and collects the suite once,
    then forks one child per job (see `grader.plugin.ZygoteLoop`).

    It runs as root outside every sandbox; a child joins one job's network namespace only,
    so the student's code can reach it over loopback HTTP and nothing else.
    """

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str], log: Path) -> None:
        to_loop, self._to_loop = os.pipe()
        self._from_loop, from_loop = os.pipe()
        self.log = log
        with open(log, "wb") as output:
            self.proc = subprocess.Popen(
                [*argv, "--grader-zygote", f"{to_loop},{from_loop}"], cwd=cwd, env=env,
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                pass_fds=(to_loop, from_loop), start_new_session=True,
                preexec_fn=_die_with_parent)
        os.close(to_loop)
        os.close(from_loop)
        self._lock = threading.Lock()
        self._jobs: dict[str, dict[str, Any]] = {}
        self._ready = threading.Event()
        self.alive = True
        with _RUNNING_LOCK:
            _RUNNING.add(self.proc)
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        """Read the loop's messages; wake the job each one is about."""
        with open(self._from_loop, "rb") as stream:
            for line in stream:
                message = json.loads(line)
                if "ready" in message:
                    self._ready.set()
                    continue
                with self._lock:
                    job = self._jobs.get(message.get("started") or message.get("done"))
                if job is None:
                    continue
                if "started" in message:
                    job.update(pid=message["pid"], started_at=time.time())
                else:
                    job.update(status=message["status"], ended_at=time.time())
                    job["event"].set()
        self.alive = False
        self._ready.set()
        with self._lock:
            for job in self._jobs.values():
                job["event"].set()

    def run(self, job: dict[str, Any], budget: float) -> dict[str, Any]:
        """Run the suite for one job within `budget` seconds; return its outcome."""
        entry: dict[str, Any] = {"event": threading.Event(), "status": None,
                                 "sent_at": time.time(), "cut": False}
        self._ready.wait(timeout=max(budget, 1))
        with self._lock:
            if not self.alive:
                return {"status": None, "cut": False, "zygote": "not running"}
            self._jobs[job["id"]] = entry
            os.write(self._to_loop, json.dumps(job).encode() + b"\n")
        if not entry["event"].wait(timeout=max(budget, 5)):
            entry["cut"] = True
            self._stop_child(entry)
        with self._lock:
            self._jobs.pop(job["id"], None)
        return {k: v for k, v in entry.items() if k != "event"}

    @staticmethod
    def _stop_child(entry: dict[str, Any]) -> None:
        """Past the budget: SIGINT (the child still writes its results), then SIGKILL."""
        for sig, grace in ((signal.SIGINT, 5.0), (signal.SIGKILL, 5.0)):
            if entry.get("pid"):
                try:
                    os.kill(entry["pid"], sig)
                except ProcessLookupError:
                    return
            if entry["event"].wait(timeout=grace):
                return

    def close(self) -> None:
        """No more jobs: let the loop end, then make sure it and its children are gone."""
        os.close(self._to_loop)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        with _RUNNING_LOCK:
            _RUNNING.discard(self.proc)

    def output_tail(self, size: int = 2000) -> str:
        """The end of the loop's own output (pytest's errors, for a status-error result)."""
        return _tail(self.log, size)


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
    """Create the job's sandbox: app/ (a copy of the submission), home/, tmp/, data/, serve/.

    serve/ holds a root-owned copy of grader/serve.py, the WSGI wrapper gunicorn loads: the
    student's uid cannot import the grader package itself when the course repository is
    closed to others (chmod 700), and it needs nothing else of it.
    """
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
    (box / "serve").mkdir(mode=0o755)
    shutil.copyfile(Path(__file__).with_name("serve.py"), box / "serve" / f"{SERVE_MODULE}.py")
    return box
