"""Execute one notebook inside its sandbox: the only notebook step student code takes part in.

`grader.nbsandbox` starts this file as ``python -I nbrunner.py`` under bubblewrap, as the
job's unprivileged uid, with no network and nothing of the host but the system, the
Python runtime and the job's own files (read-only). It is standalone on purpose: the
grader copies it beside the job (the course repository is not in the sandbox's view), and
it imports only what the runtime provides (nbclient, jupyter_client, nbformat), and runs
the notebook the way nbgrader's ``Execute`` preprocessor does, with its settings.

The protocol is one JSON document each way. On stdin, from the grader::

    {"notebook": {...}, "files": "/dir/with/the/job/files", "kernel_dir": "/dir/of/kernel.json",
     "execute": {"timeout": 30, ...}, "limits": {"memory_bytes": ..., ...},
     "deadline_seconds": 300}

On stdout, to the grader: the line ``started`` once the sandbox is up (before any
student code runs: without it, the sandbox failed, not the student), then::

    {"notebook": {...executed...}, "executed": [cell indices run to the end],
     "events": [{"cell": 3, "kind": "died"}, ...], "kernel_ready": true,
     "stopped": null | "died" | "stuck" | "deadline" | "error",
     "log": "the end of this runner's log"}

What the kernel (the student's code) cannot do to that answer: this process makes itself
non-dumpable (the kernel, same uid, can neither ptrace it nor open its /proc files), keeps
the answer's pipe on a private descriptor the kernel does not inherit, and gives the kernel
/dev/null for stdin, stdout and stderr. If the kernel kills this process, the answer is
missing or cut short, and the grader fails every cell. A cell that did not run to the end
is never in "executed": the grader fails it. The kernel's own replies are trusted as much
as nbgrader trusts them (see the instructor guide).
"""

from __future__ import annotations

import ctypes
import io
import json
import logging
import os
import resource
import shutil
import signal
import sys
import time
from typing import Any

PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4
#: The answer's first line, written before the kernel starts (no student code can).
STARTED = b"started\n"
#: Each text of an output is cut to this many characters before it goes back.
MAX_OUTPUT_CHARS = 1 << 20
#: The error output a cell gets when it never ran (graded as failed by nbgrader).
NOT_RUN = {
    "died": "not run: the kernel died in an earlier cell",
    "stuck": "not run: the kernel was still busy with an earlier cell that ran out of time",
    "deadline": "not run: the notebook ran out of time before this cell",
    "error": "not run: the notebook could not be executed",
}


def error_output(ename: str, evalue: str) -> dict[str, Any]:
    """An nbformat error output (what nbgrader counts as a failed cell)."""
    return {"output_type": "error", "ename": ename, "evalue": evalue,
            "traceback": [f"{ename}: {evalue}"]}


def shrink(output: Any, limit: int = MAX_OUTPUT_CHARS) -> Any:
    """An output cut down to `limit` characters of each text (a cell that prints a flood
    keeps its grade: its answer stays small enough for the grader to take)."""
    note = f"\n[... cut by the grader: more than {limit} characters ...]\n"
    if output.get("output_type") == "stream" and len(output.get("text", "")) > limit:
        output["text"] = output["text"][:limit] + note
    for key, value in list(output.get("data", {}).items()):
        if len(json.dumps(value)) > limit:
            output["data"][key] = note if key.startswith("text/") else ""
    if output.get("output_type") == "error":
        output["evalue"] = str(output.get("evalue", ""))[:limit]
        output["traceback"] = [line[:limit] for line in output.get("traceback", [])[-100:]]
    return output


def harden() -> None:
    """Non-dumpable: processes of the same uid cannot ptrace us or open /proc/<pid>/fd.
    And die with our parent (bwrap; the grader itself with --unsafe-no-sandbox)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def set_limits(limits: dict[str, int]) -> None:
    """Apply the job's rlimits to this process and so to the kernel it starts."""
    cpu = int(limits["cpu_seconds"])
    for name, soft, hard in (
        ("RLIMIT_AS", limits["memory_bytes"], limits["memory_bytes"]),
        ("RLIMIT_NPROC", limits["processes"], limits["processes"]),
        ("RLIMIT_CPU", cpu, cpu + 5),
        ("RLIMIT_FSIZE", limits["file_bytes"], limits["file_bytes"]),
        ("RLIMIT_NOFILE", limits["open_files"], limits["open_files"]),
        ("RLIMIT_CORE", 0, 0),
    ):
        resource.setrlimit(getattr(resource, name), (int(soft), int(hard)))


def take_stdout() -> int:
    """Keep stdout on a private descriptor for the answer; 0, 1 and 2 become /dev/null.

    os.dup makes a non-inheritable descriptor, so the kernel never holds the answer's pipe.
    """
    answer = os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    return answer


def make_client(notebook: Any, settings: dict[str, Any], deadline: float, km: Any,
                log: logging.Logger) -> Any:
    """An nbclient NotebookClient with nbgrader's Execute settings, run cell by cell.

    The settings are the values of nbgrader's ``Execute`` traits, read by the grader from
    the course's nbgrader config (nbgrader itself is not imported here: it takes seconds).
    """
    from queue import Empty

    from jupyter_core.utils import ensure_async, run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    class SandboxClient(NotebookClient):  # type: ignore[misc]
        """Records which cells ran to the end, and fails the rest when it must stop."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.owns_km = True  # shut the kernel down at the end, as for its own
            self.executed: list[int] = []
            self.events: list[dict[str, Any]] = []
            self.stopped: str | None = None
            self.kernel_ready = False

        def _get_timeout(self, cell: Any) -> int | None:
            timeout = super()._get_timeout(cell)
            left = max(int(deadline - time.monotonic()), 1)
            return min(timeout, left) if timeout else left

        def run_cells(self) -> None:
            """Start the kernel, then run every cell (what ExecutePreprocessor does)."""
            started = time.monotonic()
            with self.setup_kernel():
                assert self.kc is not None
                info = self.wait_for_reply(self.kc.kernel_info())
                if info is not None:
                    self.nb.metadata["language_info"] = info["content"]["language_info"]
                log.info("kernel ready in %.2f s", time.monotonic() - started)
                self.kernel_ready = True
                for index, cell in enumerate(self.nb.cells):
                    self.run_cell(cell, index)

        def run_cell(self, cell: Any, index: int) -> None:
            """Run one code cell; a dead kernel or the deadline stops the rest."""
            if cell.cell_type != "code":
                return
            if self.stopped is None and time.monotonic() >= deadline:
                self.stop("deadline", index)
            if self.stopped is not None:
                cell.outputs = [error_output("NotRun", NOT_RUN[self.stopped])]
                return
            try:
                self.execute_cell(cell, index, store_history=True)
                cell.outputs = [shrink(output) for output in cell.outputs]
            except DeadKernelError:
                cell.outputs.append(error_output(
                    "DeadKernelError", "the kernel died while running this cell"))
                self.stop("died", index)
            except (CellTimeoutError, CellExecutionError) as exc:
                cell.outputs.append(error_output(type(exc).__name__, str(exc)[:500]))
            self.executed.append(index)
            if any(o.get("ename") == "CellTimeoutError" for o in cell.outputs):
                self.events.append({"cell": index, "kind": "timeout"})
                if not self.responsive():  # interrupted, and still busy: SIGINT ignored
                    self.stop("stuck", index)

        def responsive(self, seconds: float = 5.0) -> bool:
            """True when the kernel answers a kernel_info request within `seconds`."""
            return bool(run_sync(self._async_responsive)(seconds))

        async def _async_responsive(self, seconds: float) -> bool:
            assert self.kc is not None
            msg_id = self.kc.kernel_info()
            end = time.monotonic() + seconds
            while (left := end - time.monotonic()) > 0:
                try:
                    msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=left))
                except Empty:
                    return False
                if msg["parent_header"].get("msg_id") == msg_id:
                    return True
            return False

        def stop(self, reason: str, index: int) -> None:
            """From now on, fail every code cell instead of running it."""
            self.stopped = reason
            self.events.append({"cell": index, "kind": reason})
            log.warning("stopped at cell %d: %s", index, reason)

    allowed = ("timeout", "startup_timeout", "iopub_timeout", "interrupt_on_timeout",
               "raise_on_iopub_timeout", "extra_arguments", "error_on_timeout",
               "shell_timeout_interval", "allow_errors")
    options = {"allow_errors": True, **{k: v for k, v in settings.items() if k in allowed}}
    return SandboxClient(nb=notebook, km=km, log=log, on_cell_executed=report_hidden_error,
                         shutdown_kernel="immediate",
                         resources={"metadata": {"path": os.getcwd()}}, **options)


def report_hidden_error(cell: Any, execute_reply: dict[str, Any], **_: Any) -> None:
    """nbgrader's Execute.on_cell_executed: an error reply with no error output (the
    student replaced IPython's showtraceback, nbgrader issue #1324) still fails the cell."""
    import nbformat

    content = execute_reply["content"]
    if content["status"] != "error":
        return
    if any(o.output_type == "error" and o.ename == content["ename"] for o in cell.outputs):
        return
    output = nbformat.NotebookNode(output_type="error", ename=content["ename"],
                                   evalue=content["evalue"], traceback=content["traceback"])
    if output.traceback == []:
        output.traceback = ["ERROR: An error occurred while showtraceback was disabled"]
    cell.outputs.append(output)


def kernel_manager(kernel_dir: str) -> Any:
    """A kernel manager that only knows the grader's kernelspec (this Python's ipykernel)."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    specs = KernelSpecManager(kernel_dirs=[kernel_dir], ensure_native_kernel=False)
    return AsyncKernelManager(kernel_name="python3", kernel_spec_manager=specs)


def execute(request: dict[str, Any], log: logging.Logger) -> dict[str, Any]:
    """Run the notebook; return the answer (without the log)."""
    import nbformat

    deadline = time.monotonic() + float(request["deadline_seconds"])
    work = os.path.join(os.environ.get("TMPDIR", "/tmp"), "work")
    os.makedirs(os.environ.get("HOME", work), mode=0o700, exist_ok=True)
    shutil.copytree(request["files"], work, symlinks=True)
    os.chdir(work)
    notebook = nbformat.from_dict(request["notebook"])
    client = make_client(notebook, request.get("execute", {}), deadline,
                         kernel_manager(request["kernel_dir"]), log)
    try:
        client.run_cells()
    except Exception as exc:  # noqa: BLE001 - e.g. the kernel did not start: say so
        log.error("could not execute the notebook: %s: %s", type(exc).__name__, exc)
        client.stopped = client.stopped or "error"
        client.events.append({"cell": None, "kind": "error"})
    return {"notebook": notebook, "executed": client.executed, "events": client.events,
            "stopped": client.stopped, "kernel_ready": client.kernel_ready}


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of data to fd."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def main() -> int:
    """Read the request, execute, answer; the exit status is 0 when an answer was written."""
    harden()
    # jsonschema (through nbformat) builds an IRI grammar on import when rfc3987_syntax is
    # installed: seconds per notebook, for a format check nbformat never uses.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    request = json.loads(sys.stdin.buffer.read())
    set_limits(request["limits"])
    answer_fd = take_stdout()
    write_all(answer_fd, STARTED)  # the sandbox works: what follows is the student's run
    buffer = io.StringIO()
    log = logging.getLogger("nbrunner")
    log.addHandler(logging.StreamHandler(buffer))
    log.setLevel(logging.INFO)
    try:
        answer = execute(request, log)
    except BaseException as exc:  # noqa: BLE001 - say why, the grader fails every cell
        log.error("the runner stopped: %s: %s", type(exc).__name__, exc)
        answer = {"notebook": None, "executed": [], "events": [], "stopped": "error"}
    answer["log"] = buffer.getvalue()[-4000:]
    write_all(answer_fd, json.dumps(answer).encode())
    os.close(answer_fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
