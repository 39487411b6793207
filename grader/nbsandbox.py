"""The notebook sandbox, as seen from the grader: each notebook runs in its own bubblewrap view.

nbgrader's autograde has three parts, and only the middle one runs student code:

1. outside (trusted): nbgrader's sanitizing preprocessors put the source's test cells, hidden
   tests and points back into the submitted notebook (`grader.notebooks`);
2. inside (this module): ``grader/nbrunner.py`` executes that notebook the way nbgrader's
   ``Execute`` does (nbclient, a fresh kernel, nbgrader's settings), as the job's
   unprivileged uid, under bubblewrap
   (`grader.bwrap.View`): no network (a new namespace with loopback only), its own PID and
   IPC namespaces, no capabilities, ``NoNewPrivs``, rlimits, a time limit per cell and per
   notebook, private tmpfs for ``/tmp`` (the working copy of the job's files and HOME live
   there), ``/var/tmp``, ``/dev/shm`` and ``/run``. The only host paths in view are the
   system, the Python runtime, this batch's runner directory and the job's own files, all
   read-only: not the course directory, the gradebook, the source notebooks or another
   student's files;
3. outside again (trusted): nbgrader's remaining preprocessors read the outputs and write
   the grades (`SaveAutoGrades`).

The notebook goes in on the runner's stdin and comes back on its stdout (at most
`NotebookLimits.result_bytes`), after a ``started`` line the runner writes before the
kernel starts: without that line the sandbox failed (a status-error result, not the
student's fault); with it, a missing or unreadable answer is the student's code at work
and every cell fails. Only the outputs and execution counts of the cells are
taken from it (`merge_outputs`): the cells' sources and nbgrader metadata (grade ids,
points) stay the trusted ones, and a code cell the runner does not report as run to the
end gets an error output, so nbgrader fails it.

Layout, in the batch's `grader.sandbox.Workspace` (removed on every way out of the batch,
and by the next batch after a ``kill -9``)::

    <workspace>/                  0711 root: the uid can reach what is inside, not list it
        runner/                   0755 root: nbrunner.py and kernels/python3/kernel.json
        private/                  0700 root: per job, the intake copy nbgrader reads
        boxes/nb-<student>-XXXX/files/   0755 root: the job's files, no notebooks
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from grader.bwrap import STUDENT_PACKAGES, View, bwrap_argv
from grader.errors import GraderError
from grader.nbrunner import NOT_RUN, STARTED
from grader.sandbox import Cancelled, Workspace, stopping, track_process
from grader.trees import copy_tree, remove_tree, walk

__all__ = ["Execution", "NotebookLimits", "NotebookSandbox", "SandboxedRunError",
           "merge_outputs"]

RUNNER = Path(__file__).with_name("nbrunner.py")
#: The traits of nbgrader's Execute the runner takes from the course's nbgrader config.
EXECUTE_SETTINGS = ("timeout", "startup_timeout", "iopub_timeout", "interrupt_on_timeout",
                    "raise_on_iopub_timeout", "extra_arguments", "error_on_timeout",
                    "shell_timeout_interval")
#: Run in the kernel before the first cell (not in its history or namespace).
CWD_ON_PATH = json.dumps(["__import__('sys').path.insert(0, '')"])
#: The environment of the runner and the kernel: nothing else of the grader's.
SANDBOX_ENV = {"HOME": "/tmp/home", "TMPDIR": "/tmp", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
               "NBGRADER_EXECUTION": "autograde", "JUPYTER_PLATFORM_DIRS": "1",
               "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg"}


class SandboxedRunError(GraderError, RuntimeError):
    """The notebook sandbox itself failed (not the student's code): the job is an error."""


@dataclass(frozen=True)
class NotebookLimits:
    """Resource limits of one notebook run (the time limit of a cell is nbgrader's
    ``c.Execute.timeout`` in the course's nbgrader_config.py, 30 s by default)."""

    memory_bytes: int = 2 << 30  # RLIMIT_AS per process (a kernel with numpy needs ~1 GiB)
    processes: int = 64  # RLIMIT_NPROC for the job's uid
    cpu_seconds: int = 120  # RLIMIT_CPU per process (SIGXCPU, then SIGKILL 5 s later)
    file_bytes: int = 64 << 20  # RLIMIT_FSIZE
    open_files: int = 256  # RLIMIT_NOFILE
    scratch_bytes: int = 256 << 20  # each private tmpfs (/tmp holds the files and HOME)
    notebook_seconds: float = 300.0  # one notebook, kernel start included
    result_bytes: int = 32 << 20  # the executed notebook, as read back


@dataclass
class Execution:
    """What came back from running one notebook: the runner's answer, or why there is none."""

    answer: dict[str, Any] | None
    problem: str | None = None
    seconds: float = 0.0
    events: list[dict[str, Any]] = field(default_factory=list)


class NotebookSandbox:
    """One batch's notebook runs: the runner shared by all, a box per job, in the batch's
    `grader.sandbox.Workspace` (locked while the batch runs, cleaned after a kill -9)."""

    def __init__(self, workspace: Workspace, limits: NotebookLimits, *,
                 isolated: bool = True) -> None:
        self.workspace, self.limits, self.isolated = workspace, limits, isolated
        self.runner = workspace.root / "runner"

    @classmethod
    def create(cls, workspace: Workspace, limits: NotebookLimits | None = None, *,
               isolated: bool = True) -> NotebookSandbox:
        """Write the runner directory: nbrunner.py and the kernelspec it starts."""
        sandbox = cls(workspace, limits or NotebookLimits(), isolated=isolated)
        kernel = sandbox.runner / "kernels" / "python3"
        kernel.mkdir(parents=True)
        shutil.copyfile(RUNNER, sandbox.runner / RUNNER.name)
        # -P: a student's file cannot stand in for a module the kernel starts with
        # (ipykernel_launcher.py, zmq.py); once it runs, the notebook's folder goes first on
        # sys.path, as in the student's own Jupyter, so the notebook imports its modules.
        argv = [python_for_sandbox(), "-P", "-m", "ipykernel_launcher", "-f",
                "{connection_file}", f"--IPKernelApp.exec_lines={CWD_ON_PATH}"]
        (kernel / "kernel.json").write_text(json.dumps({
            "argv": argv, "display_name": "Python 3 (sandboxed)", "language": "python",
            "interrupt_mode": "signal"}))
        for path in (sandbox.runner, kernel.parent, kernel):
            path.chmod(0o755)
        for path in (sandbox.runner / RUNNER.name, kernel / "kernel.json"):
            path.chmod(0o644)
        return sandbox

    @contextmanager
    def box(self, student: str) -> Iterator[Path]:
        """A directory for one job's files (0755 root, in the workspace's 0711 boxes/),
        deleted when the job ends."""
        box = Path(tempfile.mkdtemp(prefix=f"nb-{_safe_name(student)}-",
                                    dir=self.workspace.boxes))
        box.chmod(0o755)
        try:
            yield box
        finally:
            remove_tree(box)

    def fill_box(self, box: Path, source: Path) -> None:
        """Copy the job's files, not its notebooks, from `source` into box/files.

        `source` is nbgrader's build directory (the intake copy of the submission, with
        the source's other files over it): regular files and directories only, root's,
        0644 and 0755 (`grader.trees.copy_tree`): the job reads them, and copies them into
        its own scratch space to work in.
        """
        notebooks = {rel for rel, _info, _depth in walk(source) if rel.endswith(".ipynb")}
        copy_tree(source, box / "files", leave_out=notebooks)

    def execute(self, box: Path, uid: int | None, notebook: dict[str, Any],
                settings: dict[str, Any]) -> Execution:
        """Run one notebook in the job's view; return the runner's answer (bounded)."""
        limits = self.limits
        request = json.dumps({
            "notebook": notebook, "files": str(box / "files"),
            "kernel_dir": str(self.runner / "kernels"),
            "execute": {k: v for k, v in settings.items() if k in EXECUTE_SETTINGS},
            "limits": asdict(limits), "deadline_seconds": limits.notebook_seconds,
        }).encode()
        argv = [python_for_sandbox(), "-I", str(self.runner / RUNNER.name)]
        env = {**SANDBOX_ENV, "PATH": f"{Path(python_for_sandbox()).parent}:/usr/bin:/bin"}
        if self.isolated:
            assert uid is not None
            view = View(uid=uid, readable=(self.runner, box / "files"), env=env,
                        packages=STUDENT_PACKAGES, tmp_bytes=limits.scratch_bytes)
            argv, env = bwrap_argv(view, argv), {"PATH": env["PATH"]}
        else:  # --unsafe-no-sandbox: the host's /tmp, so a scratch dir of the job's own
            scratch = Path(tempfile.mkdtemp(prefix="scratch-", dir=box))
            env.update(HOME=str(scratch / "home"), TMPDIR=str(scratch))
        started = time.monotonic()
        with tempfile.TemporaryFile() as errors:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=errors, start_new_session=True, env=env)
            track_process(proc)
            # The request goes in from a thread of its own: the read below has the deadline.
            feeder = threading.Thread(target=_feed, args=(proc.stdin, request), daemon=True)
            feeder.start()
            try:
                data, problem = self._talk(proc, started + limits.notebook_seconds + 30)
                if problem is None:  # the answer is in: let the sandbox end (bwrap reaps
                    _wait(proc, 5)   # what ran in it), then make sure of it
            finally:
                _kill(proc)
                proc.wait()
                track_process(proc, running=False)
                # With the process gone the feeder's write fails at once; waiting for it
                # means the pipes are closed by one thread only.
                feeder.join(5)
                _close(proc.stdin, proc.stdout)
            if stopping():
                raise Cancelled("the batch was interrupted")
            errors.seek(0)
            stderr = errors.read()[-2000:].decode("utf-8", "replace").strip()
        if not data.startswith(STARTED):  # bwrap or the runner failed: not the student
            raise SandboxedRunError("the notebook sandbox did not start"
                                    + (f": {stderr[-600:]}" if stderr else ""))
        execution = Execution(answer=None, problem=problem, seconds=time.monotonic() - started)
        if problem is None:
            execution.answer, execution.problem = _parse_answer(data[len(STARTED):])
        if execution.answer is not None:
            execution.events = _events(execution.answer.get("events"))
        return execution

    def _talk(self, proc: subprocess.Popen[bytes],
              deadline: float) -> tuple[bytes, str | None]:
        """Read the answer before the deadline and within the size cap."""
        assert proc.stdout is not None
        chunks, size, fd = [], 0, proc.stdout.fileno()
        while True:
            left = deadline - time.monotonic()
            readable, _, _ = select.select([fd], [], [], max(left, 0))
            if not readable:
                return b"".join(chunks), (f"the notebook ran longer than "
                                          f"{self.limits.notebook_seconds:g} s and was stopped")
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return b"".join(chunks), None
            size += len(chunk)
            if size > self.limits.result_bytes:
                return b"".join(chunks), (f"the notebook's outputs are larger than "
                                          f"{self.limits.result_bytes >> 20} MB")
            chunks.append(chunk)


def _events(events: Any) -> list[dict[str, Any]]:
    """The runner's events, each {"cell": int | None, "kind": str}; anything else dropped."""
    if not isinstance(events, list):
        return []
    return [{"cell": e.get("cell"), "kind": e.get("kind")} for e in events
            if isinstance(e, dict) and isinstance(e.get("kind"), str)
            and (e.get("cell") is None or type(e.get("cell")) is int)]


def _feed(pipe: Any, request: bytes) -> None:
    """Write the request to the runner's stdin and close it."""
    try:
        pipe.write(request)
        pipe.close()
    except (ValueError, OSError):  # the run ended (or was killed) before reading it all
        pass


def _close(*pipes: Any) -> None:
    """Close the run's pipes. A write still buffered for a process that has ended fails
    with a broken pipe; the pipe is closed all the same, and that is not the grader's error."""
    for pipe in pipes:
        if pipe is not None and not pipe.closed:
            try:
                pipe.close()
            except OSError:
                pass


def _parse_answer(data: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """The runner's answer, or None and why it is unusable."""
    if not data:
        return None, "the notebook's run ended without an answer (its runner was killed)"
    try:
        answer = json.loads(data)
    except (ValueError, RecursionError):
        return None, "the notebook's run gave an unreadable answer"
    if not isinstance(answer, dict):
        return None, "the notebook's run gave an unreadable answer"
    return answer, None


def merge_outputs(notebook: Any, execution: Execution) -> list[int]:
    """Copy the executed outputs onto the trusted notebook; return the cells failed as not run.

    Only each code cell's ``outputs`` and ``execution_count`` are taken, and only when the
    answer has the same cells of the same types and its outputs are valid nbformat; the
    sources and nbgrader metadata stay the trusted ones. A code cell that the runner does
    not list as run to the end gets an error output (nbgrader fails it).
    """
    import nbformat

    answer = execution.answer or {}
    executed_nb = answer.get("notebook")
    cells = executed_nb.get("cells") if isinstance(executed_nb, dict) else None
    executed = answer.get("executed")
    usable = (isinstance(cells, list) and len(cells) == len(notebook.cells)
              and isinstance(executed, list))
    stopped = answer.get("stopped")
    why = NOT_RUN.get(stopped if isinstance(stopped, str) else "",
                      "not run: the run ended before this cell")
    not_run: list[int] = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        theirs = cells[index] if usable else None
        ok = (isinstance(theirs, dict) and theirs.get("cell_type") == "code"
              and isinstance(theirs.get("outputs"), list) and index in executed)
        if ok and _valid_outputs(theirs["outputs"]):
            count = theirs.get("execution_count")
            cell.outputs = [nbformat.from_dict(o) for o in theirs["outputs"]]
            cell.execution_count = count if isinstance(count, int) and count >= 0 else None
        elif cell.source.strip():
            cell.outputs = [nbformat.from_dict({
                "output_type": "error", "ename": "NotRun", "evalue": why, "traceback": []})]
            cell.execution_count = None
            not_run.append(index)
    return not_run


def _valid_outputs(outputs: list[Any]) -> bool:
    """True when every output is a valid nbformat v4 output."""
    from nbformat import validator

    try:
        for output in outputs:
            if not isinstance(output, dict):
                return False
            validator.validate(output, ref="output", version=4)
    except (validator.ValidationError, RecursionError):
        return False
    return True


def _safe_name(student: str) -> str:
    """A file-name-safe form of a student id (for the box's name only)."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in student)[:40] or "job"


def _wait(proc: subprocess.Popen[bytes], seconds: float) -> None:
    """Wait up to `seconds` for the run's process to end by itself."""
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        pass


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the run's process group (bwrap takes everything inside down with it)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def python_for_sandbox() -> str:
    """The interpreter of the grader's venv, which also runs the notebook's kernel."""
    venv = Path(sys.prefix) / "bin" / "python"
    return str(venv if venv.exists() else sys.executable)
