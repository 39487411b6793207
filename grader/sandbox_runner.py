"""Inside the sandbox: start the student's server, wait while the suite runs, clean up.

Run as ``python -I -m grader.sandbox_runner SPEC.json``, by the grader, as root, inside new
network, PID and mount namespaces (``unshare --net --pid --fork --mount-proc``). In order:

1. hide the course's secrets (contract suites, reference solutions, other submissions, the
   gradebook, the repository's history) behind empty read-only mounts, and bring up ``lo``:
   the namespace has no other interface, so there is no way out;
2. run the preparation commands and start the server as the job's unprivileged uid, in its
   own session, with rlimits, a clean environment, its output drained by a thread that
   keeps the tail and counts the bytes;
3. wait for ``GET /api/v1/health`` to answer (any status); if it never does, stop the server;
4. say so on stdout (one JSON line: the state, and why no test can run if so); the grader
   runs the trusted suite from outside (a child of its zygote joins this network
   namespace only) and answers "done" on stdin;
5. kill everything of the uid, reap every orphan (this is PID 1 of the namespace), write
   the report (JSON, with timings and CPU seconds) into the private directory.

The runner never writes results.json: the grader does, from the report and the suite's
own results file, both in a directory the student's uid cannot reach.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_BIND, _MS_MOVE, _MS_REC = 4096, 8192, 16384
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1
_PR_SET_CHILD_SUBREAPER = 36


class OutputDrain(threading.Thread):
    """Reads a pipe to its end, keeping the last `tail` bytes and counting all of them."""

    def __init__(self, stream: Any, tail: int) -> None:
        super().__init__(daemon=True)
        self.stream, self.tail_size = stream, tail
        self.buffer = bytearray()
        self.total = 0

    def run(self) -> None:
        fd = self.stream.fileno()
        while chunk := os.read(fd, 1 << 16):
            self.total += len(chunk)
            self.buffer += chunk
            if len(self.buffer) > 4 * self.tail_size:
                del self.buffer[: -self.tail_size]

    def text(self) -> str:
        """Return the kept tail as text."""
        return bytes(self.buffer[-self.tail_size:]).decode("utf-8", "replace")


def bring_up_loopback() -> None:
    """Set IFF_UP on lo (what `ip link set lo up` does), with one ioctl."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(sock, _SIOCGIFFLAGS, request)[:18])[1]
        fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | _IFF_UP))


def hide_paths(paths: list[str]) -> list[str]:
    """Mount an empty read-only tmpfs over each existing directory; return the hidden ones."""
    libc = ctypes.CDLL(None, use_errno=True)
    hidden = []
    for path in paths:
        if not os.path.isdir(path):
            continue
        flags = _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC
        if libc.mount(b"tmpfs", path.encode(), b"tmpfs", flags, b"mode=000,size=4k") != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"cannot hide {path}: {os.strerror(err)}")
        hidden.append(path)
    return hidden


def expose(prefixes: list[str], staging_root: str) -> list[str]:
    """Make each prefix (the Python installation) reachable by the sandbox uid.

    When an ancestor is closed to others (pyenv under /root, 0700), mount an empty tmpfs
    (0755) over that ancestor in this mount namespace and bind the prefix back inside it:
    the student's uid can run Python, and sees nothing else of that ancestor.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    done = []
    for index, prefix in enumerate(prefixes):
        closed = _closed_ancestor(prefix)
        if closed is None:
            continue
        stage = os.path.join(staging_root, f"stage-{index}")
        os.mkdir(stage, 0o700)
        _mount(libc, prefix, stage, None, _MS_BIND | _MS_REC, None)
        _mount(libc, "tmpfs", closed, "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=755,size=64k")
        os.makedirs(prefix, mode=0o755, exist_ok=True)
        _mount(libc, stage, prefix, None, _MS_MOVE, None)
        done.append(prefix)
    return done


def mount_scratch(scratch: dict[str, int], uid: int | None) -> None:
    """Mount a size-capped tmpfs, owned by the uid, on each scratch dir (the database's).

    In RAM: no fsync stalls when the machine's disk is busy (a SQLite checkpoint behind
    someone else's I/O could take seconds and fail a test on time), and a student cannot
    fill the disk; it all disappears with the mount namespace.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    owner = "" if uid is None else f",uid={uid},gid={uid}"
    for path, size in scratch.items():
        _mount(libc, "tmpfs", path, "tmpfs", _MS_NOSUID | _MS_NODEV,
               f"mode=700,size={size}{owner}")


def _closed_ancestor(path: str) -> str | None:
    """Return the first directory on the way to path that others cannot traverse."""
    current = "/"
    for part in [p for p in path.split("/") if p]:
        current = os.path.join(current, part)
        if not os.stat(current).st_mode & 0o001:
            return current
    return None


def _mount(libc: Any, source: str, target: str, fstype: str | None, flags: int,
           data: str | None) -> None:
    """Call mount(2), raising OSError on failure."""
    args = [source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
            data.encode() if data else None]
    if libc.mount(*args) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {source} on {target}: {os.strerror(err)}")


def limiter(limits: dict[str, Any]) -> Any:
    """Return a preexec_fn that applies the rlimits (after Popen switched the uid)."""

    def apply() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG: die with the runner
        os.umask(0o022)
        for name, value in (("RLIMIT_AS", limits["memory_bytes"]),
                            ("RLIMIT_NPROC", limits["processes"]),
                            ("RLIMIT_FSIZE", limits["file_bytes"]),
                            ("RLIMIT_CPU", limits["cpu_seconds"]),
                            ("RLIMIT_NOFILE", limits["open_files"]),
                            ("RLIMIT_CORE", 0)):
            resource.setrlimit(getattr(resource, name), (value, value))

    return apply


def start_student(spec: dict[str, Any], argv: list[str]) -> subprocess.Popen[bytes]:
    """Start a student command as the sandbox uid, in its own session, output piped."""
    uid = spec["uid"]
    ids: dict[str, Any] = {} if uid is None else {"user": uid, "group": uid, "extra_groups": []}
    return subprocess.Popen(argv, cwd=spec["app_dir"], env=spec["server_env"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=limiter(spec["limits"]), **ids)


def describe_exit(code: int | None) -> str:
    """Say how a process ended: an exit code or the signal that killed it."""
    if code is None:
        return "still running"
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exited with code {code}"


def run_prepare(spec: dict[str, Any], events: list[str], log: bytearray) -> bool:
    """Run the preparation commands (e.g. migrate); False when one fails or times out."""
    for argv in spec["prepare"]:
        proc = start_student(spec, argv)
        drain = OutputDrain(proc.stdout, spec["limits"]["log_tail_bytes"])
        drain.start()
        try:
            proc.wait(timeout=spec["limits"]["startup_seconds"])
        except subprocess.TimeoutExpired:
            stop(proc)
        drain.join(timeout=2)
        log += drain.buffer[-spec["limits"]["log_tail_bytes"]:]
        if proc.returncode != 0:
            events.append(f"prepare_failed:{' '.join(argv[1:3])}:{describe_exit(proc.returncode)}")
            return False
    return True


def wait_healthy(proc: subprocess.Popen[bytes], url: str, seconds: float) -> str:
    """Poll url until the server answers it over HTTP: 'ok', 'exited' or 'timeout'.

    Any HTTP answer means the server is up: in a starter climbed in stages the health view
    is stage 1's first stub, so a server that answers 501 there is running, and the health
    tests, not the wait, judge what it answers.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return "exited"
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - loopback
                return "ok"
        except urllib.error.HTTPError:  # an answer with an error status: up all the same
            return "ok"
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.05)
    return "timeout"


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL a student process's whole session."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def kill_all_as(uid: int) -> None:
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


def kill_uid_here(uid: int | None) -> None:
    """Kill every process of the sandbox uid (kill(-1) as that uid) and reap them all."""
    if uid is None:
        reap_orphans()
        return
    for _ in range(50):
        kill_all_as(uid)
        reap_orphans()
        if not any(_uid_of(p) == uid for p in os.listdir("/proc") if p.isdigit()):
            return
        time.sleep(0.01)


def reap_orphans() -> None:
    """Collect every child that has ended (as PID 1 or subreaper, orphans are ours)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _uid_of(pid: str) -> int | None:
    """Return the real uid of a /proc entry, or None when it is gone."""
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None


def count_uid_processes(uid: int | None) -> int:
    """Return how many processes the sandbox uid has right now."""
    if uid is None:
        return 0
    return sum(1 for p in os.listdir("/proc") if p.isdigit() and _uid_of(p) == uid)


def run(spec: dict[str, Any]) -> dict[str, Any]:
    """Do the whole job; return the report."""
    limits = spec["limits"]
    events: list[str] = []
    timings: dict[str, float] = {}
    report: dict[str, Any] = {"events": events, "timings": timings,
                              "runner_started_at": time.time()}
    mark = time.monotonic()
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    if spec["netns"]:
        report["hidden_paths"] = hide_paths(spec["hide"])
        report["exposed"] = expose(spec["expose"], os.path.dirname(spec["report"]))
        mount_scratch(spec["scratch"], spec["uid"])
        bring_up_loopback()
    timings["namespace_setup"] = round(time.monotonic() - mark, 3)
    log = bytearray()
    t0 = time.monotonic()
    proc, drain = None, None
    state = "prepare_failed"
    if run_prepare(spec, events, log):
        proc = start_student(spec, spec["server"])
        drain = OutputDrain(proc.stdout, limits["log_tail_bytes"])
        drain.start()
        url = f"http://127.0.0.1:{spec['port']}{spec['health_path']}"
        state = wait_healthy(proc, url, limits["startup_seconds"])
    report["startup"] = state
    report["startup_seconds"] = timings["server_start"] = round(time.monotonic() - t0, 3)
    if state != "ok" and proc is not None:
        report["server_exit"] = describe_exit(proc.poll())
        stop(proc)
    # The grader runs the trusted suite now (from outside, joined to this network
    # namespace) and says "done" on stdin; EOF means the same.
    t1 = time.monotonic()
    not_run = None if state == "ok" else _not_run_reason(state, report, limits)
    sys.stdout.write(json.dumps({"state": state, "not_run": not_run}) + "\n")
    sys.stdout.flush()
    sys.stdin.readline()
    timings["suite_wait"] = round(time.monotonic() - t1, 3)
    t2 = time.monotonic()
    if proc is not None:
        report["server_alive_after_suite"] = proc.poll() is None
        report["server_exit"] = report.get("server_exit") or describe_exit(proc.poll())
    report["processes_at_end"] = count_uid_processes(spec["uid"])
    if proc is not None:
        stop(proc)
    kill_uid_here(spec["uid"])
    if drain is not None:
        drain.join(timeout=2)
        log += drain.buffer
        report["log_bytes"] = drain.total
    report["log_tail"] = bytes(log[-limits["log_tail_bytes"]:]).decode("utf-8", "replace")
    timings["teardown"] = round(time.monotonic() - t2, 3)
    report["cpu"] = {"runner": _cpu(resource.RUSAGE_SELF),
                     "student": _cpu(resource.RUSAGE_CHILDREN)}
    return report


def _cpu(who: int) -> float:
    """User + system CPU seconds of this process or of its reaped children."""
    usage = resource.getrusage(who)
    return round(usage.ru_utime + usage.ru_stime, 3)


def _not_run_reason(state: str, report: dict[str, Any], limits: dict[str, Any]) -> str:
    """Say, for every test, why it did not run."""
    if state == "timeout":
        return (f"not run: the server did not answer /api/v1/health within "
                f"{limits['startup_seconds']:g} s")
    if state == "exited":
        return f"not run: the server stopped before it answered ({report.get('server_exit')})"
    return "not run: a preparation step (e.g. migrate) failed"


def main(argv: list[str] | None = None) -> int:
    """Read the spec, run, write the report."""
    args = sys.argv[1:] if argv is None else argv
    spec = json.loads(Path(args[0]).read_text())
    report = run(spec)
    tmp = Path(spec["report"] + ".tmp")
    tmp.write_text(json.dumps(report))
    os.replace(tmp, spec["report"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
