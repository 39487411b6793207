"""Inside the sandbox: start the student's server, wait while the suite runs, clean up.

Run as ``python -I -m grader.sandbox_runner SPEC.json``, by the grader, as root, inside new
network, PID and mount namespaces (``unshare --net --pid --fork --mount-proc``). In order:

1. make the Python runtime reachable by the job's uid (`grader.bwrap.open_prefixes`),
   mount the job's *box*: a tmpfs owned by the uid, capped in bytes and inodes, that
   exists in this mount namespace only; copy the submission into it (``app/``, owned by
   the uid, no special bits); bring up ``lo``: the namespace has no other interface, so
   there is no way out;
2. run the preparation commands and start the server under bubblewrap (`grader.bwrap`):
   as the job's uid, with rlimits, in a view where the system and the Python runtime are
   read-only, the box is ``/box`` and its ``tmp``, ``var-tmp``, ``shm`` and ``run`` are
   ``/tmp``, ``/var/tmp``, ``/dev/shm`` and ``/run``, and nothing else of the host exists;
   their output is drained by a thread that keeps the tail and counts the bytes;
3. wait for ``GET /api/v1/health`` to answer (any status) within ``startup_seconds``, in
   all: a server that answers a byte at a time is cut off like one that never answers;
4. say so on stdout (one JSON line: the state, and why no test can run if so); the grader
   runs the trusted suite from outside (a child of its zygote joins this network
   namespace only) and answers "done" on stdin;
5. kill everything of the uid, reap every orphan (this is PID 1 of the namespace), write
   the report (JSON, with timings and CPU seconds) into the private directory.

Without the sandbox (``--unsafe-no-sandbox``) the runner runs as the grader's user, in no
namespace: the box is a directory on disk, and the commands run with rlimits only.

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
from pathlib import Path
from typing import Any

from grader.bwrap import TMP_DIRS, View, bwrap_argv, mount, open_prefixes
from grader.trees import copy_tree

_MS_NOSUID, _MS_NODEV = 2, 4
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1
_PR_SET_CHILD_SUBREAPER = 36


class OutputDrain(threading.Thread):
    """Reads a pipe to its end: counts every byte, keeps the first and the last `tail` ones.

    Each chunk read is stamped with the time it arrived (``time.time()``, the clock of the
    trusted suite's marks too), taken after the read returned: every byte of a chunk was
    written before its stamp. `stamped` exports what is kept with the stamps, and
    `public_text` keeps of that only what arrived before a moment (the start of the first
    hidden test), so what a student's server prints about a hidden test's requests never
    reaches the feedback page, however late it prints it.

    ``buffer`` (the last bytes, between `tail` and 4 × `tail` of them) and ``total`` are
    read by the runner as before.
    """

    def __init__(self, stream: Any, tail: int) -> None:
        super().__init__(daemon=True)
        self.stream, self.tail_size = stream, tail
        self.buffer = bytearray()
        self.head = bytearray()  # the first `tail` bytes
        self.total = 0
        # (arrived, start, end) of each chunk still held, in head or buffer, by offset
        self.chunks: list[tuple[float, int, int]] = []
        self.dropped_until = 0.0  # the latest stamp of the chunks no longer held

    def run(self) -> None:
        fd = self.stream.fileno()
        while chunk := os.read(fd, 1 << 16):
            self.add(chunk, time.time())

    def add(self, chunk: bytes, arrived: float) -> None:
        """Keep one chunk that arrived at `arrived`."""
        start = self.total
        self.total += len(chunk)
        if len(self.head) < self.tail_size:
            self.head += chunk[: self.tail_size - len(self.head)]
        self.buffer += chunk
        self.chunks.append((arrived, start, self.total))
        if len(self.buffer) > 4 * self.tail_size:
            del self.buffer[: -self.tail_size]
            first, kept = self.total - len(self.buffer), []
            for held in self.chunks:
                if held[1] < len(self.head) or held[2] > first:
                    kept.append(held)
                else:
                    self.dropped_until = max(self.dropped_until, held[0])
            self.chunks = kept

    def text(self) -> str:
        """Return the kept tail as text."""
        return bytes(self.buffer[-self.tail_size:]).decode("utf-8", "replace")

    def stamped(self, prefix: bytes = b"") -> dict[str, Any]:
        """What is kept, with the stamps, as JSON for the report (see `public_text`).

        prefix: output from before this drain began (the preparation commands'), stamped 0.
        Bytes travel as latin-1 text, which JSON carries unchanged.
        """
        pieces: list[list[Any]] = [[0.0, -len(prefix), prefix.decode("latin-1")]] \
            if prefix else []
        held, first = len(self.head), self.total - len(self.buffer)
        for arrived, start, end in self.chunks:
            if start < held:  # the part of the chunk in head
                pieces.append([arrived, start, self.head[start:min(end, held)].decode("latin-1")])
                start = min(end, held)
            start = max(start, first)
            if start < end:  # the part in buffer
                data = self.buffer[start - first:end - first]
                pieces.append([arrived, start, data.decode("latin-1")])
        return {"pieces": pieces, "dropped_until": self.dropped_until, "total": self.total}

    LEFT_OUT = b"\n[... output left out here ...]\n"

    @classmethod
    def public_text(cls, stamped: dict[str, Any], before: float | None, size: int) -> str:
        """The output that arrived before `before` (None: all of it), in at most `size` bytes.

        The first piece stamped at or after `before` ends what is kept, and so does a gap of
        dropped bytes when one of those came that late (stamps follow the order of writing).
        Past `size` bytes: the first quarter, a line saying output was left out, the end.
        """
        limit = float("inf") if before is None else before
        runs: list[list[Any]] = []  # [start, end, bytes] of contiguous output
        for arrived, offset, text in stamped.get("pieces", []):
            follows = bool(runs) and runs[-1][1] == offset
            if arrived >= limit or (runs and not follows
                                    and stamped.get("dropped_until", 0.0) >= limit):
                break
            data = text.encode("latin-1")
            if follows:
                runs[-1][1] += len(data)
                runs[-1][2] += data
            else:
                runs.append([offset, offset + len(data), bytearray(data)])
        whole = cls.LEFT_OUT.join(cls._whole_chars(run[2]) for run in runs)
        if len(whole) > size:
            note = cls.LEFT_OUT if size >= 4 * len(cls.LEFT_OUT) else b""
            head = cls._whole_chars(whole[:size // 4]) if note else b""
            whole = head + note + cls._whole_chars(whole[len(whole) - (size - len(head)
                                                                       - len(note)):])
        return whole.decode("utf-8", "replace")

    @staticmethod
    def _whole_chars(data: bytes | bytearray) -> bytes:
        """data without a UTF-8 character cut in two at either end (a cut made by a read)."""
        start, end = 0, len(data)
        while start < min(3, end) and 0x80 <= data[start] < 0xC0:
            start += 1
        for back in range(1, min(4, end - start) + 1):
            byte = data[end - back]
            if byte < 0x80 or byte >= 0xC0:  # ASCII, or the first byte of the last character
                if byte >= 0xC0 and back < (2 if byte < 0xE0 else 3 if byte < 0xF0 else 4):
                    end -= back
                break
        return bytes(data[start:end])


def bring_up_loopback() -> None:
    """Set IFF_UP on lo (what `ip link set lo up` does), with one ioctl."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(sock, _SIOCGIFFLAGS, request)[:18])[1]
        fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | _IFF_UP))


def mount_box(box: str, size: int, inodes: int, uid: int) -> None:
    """Mount the job's box: a tmpfs owned by the uid, capped in bytes and inodes.

    In RAM: no fsync stalls when the machine's disk is busy (a SQLite checkpoint behind
    someone else's I/O could take seconds and fail a test on time); a student can fill
    neither the disk nor its inodes; no other job, and not the host, can see it; it all
    disappears with this mount namespace, even after a ``kill -9`` of the grader.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    mount(libc, "tmpfs", box, "tmpfs", _MS_NOSUID | _MS_NODEV,
           f"mode=700,size={size},nr_inodes={inodes},uid={uid},gid={uid}")


def fill_box(spec: dict[str, Any]) -> None:
    """Put the job's files in its box: app/ (the submission), home/, data/, serve/ and
    the private tmp dirs; everything but serve/ owned by the uid, set before any mode."""
    box, uid = Path(spec["box"]), spec["uid"]
    copy_tree(Path(spec["submission"]), box / "app", uid=uid)
    for name in ("home", "data", *TMP_DIRS.values()):
        path = box / name
        path.mkdir(mode=0o700)
        if uid is not None:
            os.chown(path, uid, uid)
    (box / "serve").mkdir(mode=0o755)
    serve = (box / "serve" / f"{SERVE_MODULE}.py")
    serve.write_bytes(Path(spec["serve_module"]).read_bytes())
    serve.chmod(0o644)


SERVE_MODULE = "blink_serve"  # grader/serve.py, as gunicorn imports it from box/serve


def box_full(box: str) -> str | None:
    """"space" or "inodes" when the box has none left at the end of the job, else None."""
    try:
        usage = os.statvfs(box)
    except OSError:
        return None
    if usage.f_bavail == 0:
        return "space"
    return "inodes" if usage.f_favail == 0 else None


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
    """Start a student command in its own session, output piped, with the rlimits.

    With the sandbox: under bubblewrap, as the job's uid (`student_view`). Without it:
    as the grader's user, in the box's app/ directory on disk.
    """
    app = Path(spec["box_in_view"]) / "app"
    if not spec["netns"]:
        return subprocess.Popen(argv, cwd=app, env=spec["server_env"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=limiter(spec["limits"]))
    status_read, status_write = os.pipe()
    command = bwrap_argv(student_view(spec, status_write), argv)
    try:
        proc = subprocess.Popen(command, cwd="/", env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                pass_fds=(status_write,), preexec_fn=limiter(spec["limits"]))
    finally:
        os.close(status_write)
    os.set_blocking(status_read, False)
    _SANDBOX_STATUS[proc.pid] = [status_read, b""]
    return proc


_SANDBOX_STATUS: dict[int, list[Any]] = {}  # pid -> [bwrap's status pipe, what it said]


def sandbox_failed(proc: subprocess.Popen[bytes]) -> bool:
    """True when bubblewrap ended before it started the command (the grader's problem,
    not the student's: bwrap says why in the command's output)."""
    entry = _SANDBOX_STATUS.get(proc.pid)
    if entry is None:
        return False
    try:
        while chunk := os.read(entry[0], 4096):
            entry[1] += chunk
    except BlockingIOError:
        pass
    return proc.poll() is not None and b'"child-pid"' not in entry[1]


def student_view(spec: dict[str, Any], status_fd: int | None = None) -> View:
    """What the student's commands see: the runtime, their box at /box, nothing else.

    The runner's network namespace (loopback only, which the trusted suite joins); a PID
    namespace of their own (bubblewrap's init reaps their orphans, and when the command
    ends, everything it left ends with it).
    """
    inside = Path(spec["box_in_view"])
    return View(uid=spec["uid"], binds=((Path(spec["box"]), inside),),
                tmp_source=Path(spec["box"]), chdir=inside / "app", own_network=False,
                own_pids=True, env=spec["server_env"], status_fd=status_fd)


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
            failed = "sandbox_failed" if sandbox_failed(proc) else "prepare_failed"
            events.append(f"{failed}:{' '.join(argv[1:3])}:{describe_exit(proc.returncode)}")
            return False
    return True


def wait_healthy(proc: subprocess.Popen[bytes], port: int, path: str, seconds: float) -> str:
    """Ask ``GET path`` until the server answers it over HTTP: 'ok', 'exited' or 'timeout'.

    Any HTTP status line means the server is up: in a starter climbed in stages the health
    view is stage 1's first stub, so a server that answers 501 there is running, and the
    health tests, not the wait, judge what it answers. ``seconds`` bounds the whole wait,
    whatever the server does: one that sends a byte every half second never gets longer.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return "exited"
        if answers_http(port, path, deadline):
            return "ok"
        time.sleep(0.05)
    return "exited" if proc.poll() is not None else "timeout"


def answers_http(port: int, path: str, deadline: float) -> bool:
    """True when 127.0.0.1:port sends an HTTP status line for ``GET path`` by the deadline."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    try:
        with socket.create_connection(("127.0.0.1", port),
                                      timeout=max(deadline - time.monotonic(), 0.01)) as sock:
            sock.sendall(request.encode())
            received = b""
            while b"\n" not in received and len(received) < 1024:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                sock.settimeout(left)
                chunk = sock.recv(1024)
                if not chunk:
                    break
                received += chunk
    except OSError:
        return False
    return received.startswith(b"HTTP/")


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
        mount_box(spec["box"], limits["scratch_bytes"], limits["scratch_inodes"], spec["uid"])
    # Fill the box before the Python runtime is opened up: that covers a directory closed
    # to others (a course cloned into a 0700 directory, a home) with an empty tmpfs, and
    # the submission and grader/serve.py may lie under it.
    fill_box(spec)
    if spec["netns"]:
        report["exposed"] = open_prefixes(spec["expose"], os.path.dirname(spec["report"]))
        bring_up_loopback()
    timings["namespace_setup"] = round(time.monotonic() - mark, 3)
    log = bytearray()
    t0 = time.monotonic()
    proc, drain = None, None
    state = "prepare_failed"
    if not run_prepare(spec, events, log):
        state = events[-1].split(":", 1)[0]
    else:
        proc = start_student(spec, spec["server"])
        drain = OutputDrain(proc.stdout, limits["log_tail_bytes"])
        drain.start()
        state = wait_healthy(proc, spec["port"], spec["health_path"], limits["startup_seconds"])
        if state == "exited" and sandbox_failed(proc):
            state = "sandbox_failed"
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
    # CPU seconds so far: what was reaped (the preparation) and what still runs; read
    # before the kill, after which the same seconds may come back through a dead init.
    student_cpu = (_cpu(resource.RUSAGE_CHILDREN) + uid_cpu_seconds(spec["uid"])
                   if spec["uid"] is not None else None)
    report["box_full"] = box_full(spec["box"])
    if proc is not None:
        stop(proc)
    kill_uid_here(spec["uid"])
    if drain is not None:
        drain.join(timeout=2)
        # with arrival times, so the feedback keeps only what came before the hidden tests
        report["log_stamped"] = drain.stamped(prefix=bytes(log))
        log += drain.buffer
        report["log_bytes"] = drain.total
    report["log_tail"] = bytes(log[-limits["log_tail_bytes"]:]).decode("utf-8", "replace")
    timings["teardown"] = round(time.monotonic() - t2, 3)
    report["cpu"] = {"runner": _cpu(resource.RUSAGE_SELF),
                     "student": round(student_cpu if student_cpu is not None
                                      else _cpu(resource.RUSAGE_CHILDREN), 3)}
    for status_fd, _said in _SANDBOX_STATUS.values():
        os.close(status_fd)
    return report


def uid_cpu_seconds(uid: int | None) -> float:
    """CPU seconds of the uid's live processes and their reaped children, from /proc.

    Read before they are killed: a process killed inside bubblewrap's PID namespace is
    reaped there, and its time never reaches this runner's RUSAGE_CHILDREN.
    """
    if uid is None:
        return 0.0
    ticks = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or _uid_of(pid) != uid:
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        ticks += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


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
    if state == "sandbox_failed":
        return "not run: the grader's sandbox failed to start (not your fault)"
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
