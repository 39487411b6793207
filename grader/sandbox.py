"""The sandbox a project submission runs in, as seen from the grader.

One batch = one `Workspace`: a directory of the system's temp dir, locked while the
batch runs, holding a root-only ``private/`` (the trusted suite's copy, and per job its
spec, reports and the intake copy of the submission) and ``boxes/`` (one empty directory
per job). Nothing of a job is ever written where another job can see it.

One job = one submission:

1. *intake* (`intake_submission`): the submission is checked against the course's limits
   (depth, files, bytes; `grader.trees`) and copied into the job's private directory,
   without special bits, devices, FIFOs or hard links out;
2. ``grader.sandbox_runner`` (see there) starts as root inside new network, PID and mount
   namespaces (``unshare``). It mounts the job's *box* on its directory: one tmpfs, owned
   by the job's unprivileged uid, capped in bytes and inodes, that holds the app, its
   database, its HOME and its ``/tmp``, ``/var/tmp``, ``/dev/shm`` and ``/run``. It exists
   in that mount namespace only: other jobs, and the host, see an empty directory, and it
   disappears with the job whatever happens. The runner copies the submission in, brings
   up loopback, then runs Django's migrate and the student's server under bubblewrap
   (`grader.bwrap`): a view of the system and the Python runtime read-only, the box at
   ``/box``, nothing else of the host; the job's uid, no capabilities, ``NoNewPrivs``, new
   user, PID, IPC and UTS namespaces, the runner's loopback-only network; rlimits;
3. the trusted suite runs in the batch's `Zygote`: one pytest, started once, that imported
   and collected the suite; per job it forks a child that joins that job's network
   namespace (and nothing else of it) and runs every test over loopback HTTP;
4. the grader tells the runner to stop; when the runner ends, the kernel kills every
   process left in its PID namespace, and the box's tmpfs goes with its mount namespace.

Where the machine cannot do this (not root, no namespaces, no working bubblewrap),
`detect_sandbox` says why in plain words and the grader refuses to grade. The one switch
that grades anyway, with resource limits only and the student's code running as the
grader's own user, is ``--unsafe-no-sandbox`` on the command line, ``GRADER_SANDBOX=none``
in the environment (tests use it); each result then records ``"sandbox": "none"``.

The view is a whitelist: what is not bound into it does not exist there. The blacklist
it replaced (empty mounts over the course's secrets, other submissions, the gradebook) is
gone: it could only hide what someone thought of, and missed another copy of the course,
other boxes and ``/tmp``.
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
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from grader.bwrap import bwrap_problem, closed_ancestor
from grader.errors import GraderError
from grader.sandbox_runner import kill_all_as
from grader.trees import IntakeLimits, Scan, copy_tree, remove_tree, scan_submission

__all__ = [
    "Limits",
    "SandboxCaps",
    "SandboxError",
    "SandboxUnavailable",
    "Workspace",
    "clean_stale_workspaces",
    "detect_sandbox",
    "exposed_secrets",
    "intake_submission",
    "require_sandbox",
    "kill_uid",
    "run_job",
    "UidLease",
    "Cancelled",
    "kill_running",
    "Zygote",
]

#: The unprivileged uids jobs run as: UID_BASE to UID_BASE + UID_COUNT - 1. Set
#: GRADER_UID_BASE where that range belongs to real users on the machine (the tests give
#: each batch they kill their own range, to tell its processes from other batches').
UID_BASE = int(os.environ.get("GRADER_UID_BASE", "61000"))
UID_COUNT = int(os.environ.get("GRADER_UID_COUNT", "1000"))
SANDBOX_PORT = 8000
#: Where each leased uid's lock file is (uid-N.lock, held with flock while a job uses it).
LOCK_DIR = Path("/run/blink-grader") if Path("/run").is_dir() else Path("/tmp/.blink-grader")


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


def track_process(proc: subprocess.Popen[bytes], running: bool = True) -> None:
    """Add a job's process to those `kill_running` kills (running=False: remove it).

    For job runners outside this module (the notebook sandbox, `grader.nbsandbox`)."""
    with _RUNNING_LOCK:
        (_RUNNING.add if running else _RUNNING.discard)(proc)


def stopping() -> bool:
    """True once `kill_running` was called: a job should end without a result."""
    return _STOPPING.is_set()


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
    scratch_bytes: int = 256 << 20  # the box: one tmpfs (RAM) for all the job writes
    scratch_inodes: int = 20_000  # files and directories in the box


@dataclass(frozen=True)
class SandboxCaps:
    """What isolation this machine gives; `problem` says plainly what is missing.

    :param root: the grader runs as root (a uid per job, namespaces).
    :param netns: ``unshare`` makes network, PID and mount namespaces.
    :param bwrap: bubblewrap runs (the private filesystem view).
    :param problem: why the full sandbox is not available (None: it is).
    :param unsafe: grading without the sandbox was asked for (--unsafe-no-sandbox).
    :param warnings: said on the console and in each result's feedback.
    """

    root: bool
    netns: bool
    bwrap: bool = False
    problem: str | None = None
    unsafe: bool = False
    warnings: tuple[str, ...] = field(default=())

    @property
    def isolated(self) -> bool:
        """True when submissions get the full sandbox (uid, namespaces, private view)."""
        return self.root and self.netns and self.bwrap

    @property
    def mode(self) -> str:
        """What results.json records under "sandbox": "bubblewrap" or "none"."""
        return "bubblewrap" if self.isolated else "none"


class SandboxUnavailable(SandboxError):
    """The sandbox cannot run here and grading without it was not asked for."""


UNSAFE_WARNING = ("sandbox: off (--unsafe-no-sandbox / GRADER_SANDBOX=none) - student code "
                  "runs as the grader's user, can reach the network and could read the "
                  "hidden tests and other students' work; running with resource limits only")


def unsafe_requested() -> bool:
    """True when the environment asks to grade without the sandbox (GRADER_SANDBOX=none)."""
    return os.environ.get("GRADER_SANDBOX", "").strip().lower() == "none"


def detect_sandbox(*, unsafe: bool | None = None) -> SandboxCaps:
    """Find out whether this machine can sandbox student code, and say why not.

    ``unsafe`` (default: ``GRADER_SANDBOX=none``) chooses resource limits only: the
    student's code then runs as the grader's own user, outside any namespace.
    """
    if unsafe if unsafe is not None else unsafe_requested():
        return SandboxCaps(root=False, netns=False, unsafe=True, problem="switched off",
                           warnings=(UNSAFE_WARNING,))
    if os.geteuid() != 0:
        return SandboxCaps(root=False, netns=False, problem=(
            "the grader is not running as root, which it needs to run each submission as "
            "its own user in its own namespaces (run it with sudo)"))
    unshare = shutil.which("unshare")
    probe = [unshare or "unshare", "--net", "--pid", "--fork", "--mount-proc", "true"]
    try:
        done = subprocess.run(probe, capture_output=True, timeout=10) if unshare else None
    except (OSError, subprocess.TimeoutExpired):
        done = None
    if done is None or done.returncode != 0:
        why = done.stderr.decode(errors="replace").strip() if done is not None else "missing"
        return SandboxCaps(root=True, netns=False, problem=(
            f"this machine cannot create namespaces (unshare: {why}); a container needs "
            "--privileged or CAP_SYS_ADMIN"))
    problem = bwrap_problem()
    if problem is not None:
        return SandboxCaps(root=True, netns=True, problem=problem)
    return SandboxCaps(root=True, netns=True, bwrap=True)


def require_sandbox(caps: SandboxCaps) -> None:
    """Refuse to grade without the sandbox unless that was asked for, saying what to do."""
    if caps.isolated or caps.unsafe:
        return
    raise SandboxUnavailable(
        f"Cannot sandbox student code on this machine: {caps.problem}. Fix that and grade "
        "again; or, only if you trust every submission, grade without the sandbox (the "
        "code then runs as your user, can reach the network and read the hidden tests) "
        "with --unsafe-no-sandbox (GRADER_SANDBOX=none).")


class UidLease:
    """An unprivileged uid for one job, held with a lock file so no two jobs share it."""

    def __init__(self) -> None:
        LOCK_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        start = secrets.randbelow(UID_COUNT)
        for offset in range(UID_COUNT):
            uid = UID_BASE + (start + offset) % UID_COUNT
            handle = open(LOCK_DIR / f"uid-{uid}.lock", "w")  # noqa: SIM115 - held open
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            self.uid, self._handle = uid, handle
            return
        raise SandboxError(f"All {UID_COUNT} sandbox uids are busy; lock files in {LOCK_DIR}.")

    def release(self) -> None:
        """Kill anything left running as the uid, then free it."""
        kill_uid(self.uid)
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()


def pids_of_uid(uid: int) -> list[int]:
    """Return the pids whose real uid is `uid` and that still run, from /proc.

    Zombies are left out: they run nothing and hold nothing, and an orphan's zombie waits
    for the machine's init to reap it (in some containers that takes a second or more).
    """
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("State", "").strip().startswith("Z"):
            continue
        if int(fields.get("Uid", "-1 ").split()[0]) == uid:
            found.append(int(entry))
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
    """What the runner needs to know; written as JSON into the private directory.

    ``box`` is the job's directory on the host; ``box_in_view`` is where the student's
    commands see it (``/box`` under bubblewrap, the same path without the sandbox).
    """

    box: str
    box_in_view: str
    submission: str  # the intake copy, in the private directory, copied into box/app
    serve_module: str  # grader/serve.py, copied into box/serve
    prepare: list[list[str]]  # commands run before the server (e.g. Django's migrate)
    server: list[str]
    server_env: dict[str, str]
    uid: int | None
    port: int
    health_path: str
    report: str
    expose: list[str]  # Python's prefixes, to make reachable by the uid (see the runner)
    netns: bool  # the full sandbox: namespaces, the box's tmpfs, bubblewrap
    limits: dict[str, Any]


def run_job(spec: JobSpec, private_dir: Path, caps: SandboxCaps, limits: Limits,
            zygote: Zygote, suite_job: dict[str, Any]) -> dict:
    """Run one job: the runner starts the server, the zygote runs the suite against it.

    Returns the runner's report, with the suite's outcome under "suite". A runner that
    says nothing within the wall time is killed, and every test is recorded as not run
    (the job has a result, and is not graded again on every run).
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
        timed_out = _finish_runner(proc, deadline if ready is not None else 0.0)
        if ready is None and time.monotonic() >= deadline and not _STOPPING.is_set():
            not_run = (f"not run: the sandbox did not get your server going within "
                       f"{limits.wall_seconds:g} s, the time limit for one submission")
            suite = zygote.run({**suite_job, "not_run": not_run, "netns": None}, 30)
            timed_out = True
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
    """Tell the runner the suite is done and wait for it, until the deadline but at least
    10 s (deadline 0: do not wait, it never answered); True when it had to be killed."""
    try:
        proc.stdin.write(b"done\n")
        proc.stdin.close()
    except BrokenPipeError:
        pass
    try:
        proc.wait(timeout=max(deadline - time.monotonic(), 10) if deadline else 0.01)
        return False
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
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


def make_box_dir(parent: Path, name: str) -> Path:
    """Create the job's box directory: empty, 0700. With the sandbox it is only the mount
    point of the job's tmpfs, which exists in the runner's mount namespace alone."""
    return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=parent))


def intake_submission(submission: Path, dest: Path, limits: IntakeLimits) -> Scan:
    """Check the submission against the intake limits, then copy it to dest (root-only).

    Raises IntakeError (a clear message for the student) before anything is copied when a
    limit is passed. Special files and hard links to files outside are left out (`Scan`).
    """
    scan = scan_submission(submission, limits)
    copy_tree(submission, dest, leave_out=scan.left_out, max_bytes=limits.max_bytes)
    return scan


WORKSPACE_PREFIX = "blink-grader-"
_NEW_PREFIX = ".blink-grader-new-"
_LEGACY_PREFIX = "blink-sandbox-"  # boxes of graders before the workspace was locked
_LEGACY_AGE = 15 * 60  # unlocked directories of an older layout: left alone this long


@dataclass
class Workspace:
    """A batch's temporary places, in one directory locked while the batch runs::

        <tmp>/blink-grader-XXXXXXXX/   0711 root, flock()ed by the grader that made it
            private/                   0700: the suite's copy, each job's spec, reports and
                                       intake copy (the hidden tests are here, and only here)
            boxes/                     0711: one 0700 directory per job (see `make_box_dir`)

    `remove` deletes it on every way out of a batch the process lives through (an
    exception, Ctrl-C, SIGTERM via the command line); after a ``kill -9``, the next batch's
    `create` finds it unlocked and deletes it (`clean_stale_workspaces`).
    """

    root: Path
    private: Path
    boxes: Path
    lock_fd: int

    @classmethod
    def create(cls, parent: Path | None = None) -> Workspace:
        """Clean what dead batches left, then make and lock a new workspace.

        It is made under a name the cleaner ignores, locked, and only then renamed to its
        real name: no other grader ever sees a workspace of ours unlocked.
        """
        parent = Path(parent or tempfile.gettempdir())
        clean_stale_workspaces(parent)
        staging = Path(tempfile.mkdtemp(prefix=_NEW_PREFIX, dir=parent))
        lock_fd = os.open(staging, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        root = parent / (WORKSPACE_PREFIX + staging.name[len(_NEW_PREFIX):])
        os.rename(staging, root)
        os.chmod(root, 0o711)
        private, boxes = root / "private", root / "boxes"
        private.mkdir(mode=0o700)
        boxes.mkdir()
        boxes.chmod(0o711)
        return cls(root=root, private=private, boxes=boxes, lock_fd=lock_fd)

    def remove(self) -> None:
        """Delete the workspace and everything in it, then let go of its lock."""
        try:
            remove_tree(self.root)
        finally:
            os.close(self.lock_fd)


def clean_stale_workspaces(parent: Path | None = None) -> list[Path]:
    """Delete the workspaces that batches killed with ``kill -9`` left; return them.

    Only directories directly in ``parent`` (the system temp dir), named with our
    prefixes, owned by our own user, never through a symbolic link, and only when no live
    grader holds their lock. Directories of an older layout (no lock) must also be
    unchanged for 15 minutes.
    """
    parent = Path(parent or tempfile.gettempdir())
    removed = []
    for entry in os.scandir(parent):
        if not entry.name.startswith((WORKSPACE_PREFIX, _NEW_PREFIX, _LEGACY_PREFIX)):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
                continue
            fd = os.open(entry.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            ours = (entry.name.startswith(WORKSPACE_PREFIX)
                    and os.path.isdir(os.path.join(entry.path, "private")))
            if ours or time.time() - info.st_mtime > _LEGACY_AGE:
                remove_tree(Path(entry.path))
                removed.append(Path(entry.path))
        except OSError:  # locked by a live grader, or already gone
            pass
        finally:
            os.close(fd)
    return removed


def exposed_secrets(course: Any, assignment: Any, course_dir: Path) -> list[str]:
    """Warnings for the course directory and every path holding hidden tests that other
    users of this machine can reach; each says the command that closes it."""
    places = [("the course directory (submissions, results, feedback)", Path(course_dir))]
    if assignment.contract is not None:
        places.append(("the hidden tests", Path(assignment.contract) / "hidden"))
    elif assignment.source is not None:
        places.append(("the source notebooks (solutions and hidden tests)",
                       Path(assignment.source)))
    warnings = []
    for what, path in places:
        path = path.resolve()
        if not path.is_dir() or closed_ancestor(str(path)) is not None:
            continue
        root = Path(course.root).resolve()
        fix = root if path.is_relative_to(root) else path
        warnings.append(f"{what} in {path} can be read by every user of this machine; make "
                        f"it yours alone: chmod 700 {fix}")
    return warnings
