"""Grade one project submission: black-box over HTTP, in the sandbox.

`TrustedSuite` is the contract suite copied once per batch into a root-only directory; its
version is a hash of its files. `grade_project` runs one submission against it (see
`grader.sandbox` and `grader.sandbox_runner`) and turns the outcome into a results.json
document with a plain feedback line for everything that went wrong.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from grader.course import Assignment, Course
from grader.feedback import public_log
from grader.results import hash_tree, make_result
from grader.sandbox import (
    SANDBOX_PORT,
    JobSpec,
    Limits,
    SandboxCaps,
    UidLease,
    Workspace,
    Zygote,
    clean_env,
    free_port,
    intake_submission,
    make_box_dir,
    make_private_dir,
    python_for_sandbox,
    run_job,
)
from grader.sandbox_runner import SERVE_MODULE
from grader.trees import IntakeError, intake_notes, remove_tree

__all__ = ["TrustedSuite", "Workspace", "grade_project", "server_command"]

# The student's hub is started with this rate limit, and the suite told it, so the contract's
# rate-limit tests (stage 5) run; the whole suite stays under it (40/minute still passes).
GRADING_RATE_LIMIT = "60/minute"
HEALTH_PATH = "/api/v1/health"
#: Where the student's commands see their box under bubblewrap.
BOX_IN_VIEW = Path("/box")
_PYTEST_INI = "[pytest]\naddopts =\nconsole_output_style = classic\n"


@dataclass
class TrustedSuite:
    """The contract suite (public and hidden), copied where only root can read it."""

    source: Path
    copy: Path
    ini: Path
    version: str

    @classmethod
    def prepare(cls, contract: Path, workspace: Workspace) -> TrustedSuite:
        """Copy the contract dir into the private workspace and hash it."""
        copy = workspace.private / "suite"
        shutil.copytree(contract, copy, ignore=shutil.ignore_patterns(
            "__pycache__", "*.pyc", ".pytest_cache"))
        ini = workspace.private / "grader-pytest.ini"
        ini.write_text(_PYTEST_INI)
        return cls(source=contract, copy=copy, ini=ini, version=hash_tree(copy))

    def start_zygote(self, workspace: Workspace, limits: Limits, port: int) -> Zygote:
        """Start the batch's trusted pytest: it imports and collects once, then forks per job.

        ``-I`` (isolated mode), our own ini, rootdir and confcutdir in the copy, only the
        plugins named here (PYTEST_DISABLE_PLUGIN_AUTOLOAD): nothing the student ships, and
        nothing installed, changes how the trusted suite runs.
        """
        argv = [python_for_sandbox(), "-I", "-m", "pytest", str(self.copy), "-c", str(self.ini),
                "--rootdir", str(self.copy), "--confcutdir", str(self.copy),
                "-p", "no:cacheprovider", "-p", "grader.plugin", "-q", "--no-header",
                "--capture=no", "--grader-test-timeout", f"{limits.request_seconds:g}",
                "--backend", f"http://127.0.0.1:{port}", "--rate-limit", GRADING_RATE_LIMIT]
        env = clean_env({"HOME": str(workspace.private), "TMPDIR": str(workspace.private),
                         "PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
                         "HUB_CONTRACT_TIMEOUT": f"{limits.request_seconds + 5:g}"})
        return Zygote(argv, self.copy, env, workspace.private / "zygote.log")

    def visibility(self, path: str) -> str:
        """Return 'hidden' for tests under hidden/, else 'public'."""
        return "hidden" if path.split("/", 1)[0] == "hidden" else "public"


def detect_framework(app: Path, assignment: Assignment) -> str:
    """Return flask or django: the manifest's word, else what the files say."""
    if assignment.framework:
        return assignment.framework
    return "django" if (app / "manage.py").is_file() else "flask"


def server_command(framework: str, port: int,
                   serve_dir: Path) -> tuple[list[list[str]], list[str]]:
    """Return (preparation commands, server command) for a framework.

    gunicorn loads the box's copy of grader/serve.py from serve_dir (see
    `grader.sandbox_runner.fill_box`), never the grader package itself.
    """
    python = python_for_sandbox()
    gunicorn = [python, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                "--worker-class", "gthread", "--threads", "4", "--timeout", "30",
                "--graceful-timeout", "1", "--error-logfile", "-",
                # no limit on the request line: a long path is the app's to refuse
                "--limit-request-line", "0"]
    entry = [*gunicorn, "--pythonpath", str(serve_dir), f"{SERVE_MODULE}:drained_app()"]
    if framework == "django":
        return [[python, "manage.py", "migrate", "--noinput"]], entry
    return [], entry


def wsgi_target(framework: str) -> str:
    """Return the student's WSGI callable, module:attribute."""
    return "config.wsgi:application" if framework == "django" else "wsgi:app"


def python_prefixes() -> list[str]:
    """Return the Python installation and venv the student's server runs under."""
    prefixes = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix)}
    return sorted(prefixes)


def grade_project(
    *,
    course: Course,
    assignment: Assignment,
    student: str,
    submission: Path,
    course_dir: Path,
    suite: TrustedSuite,
    workspace: Workspace,
    caps: SandboxCaps,
    limits: Limits,
    zygote: Zygote,
) -> dict[str, Any]:
    """Grade one submission in the sandbox and return its results.json document.

    A submission over the course's intake limits is not run: its result has status
    "error" and says which limit, and what to leave out.
    """
    started = time.monotonic()
    private = make_private_dir(workspace.private, student)
    lease = None
    try:
        try:
            scan = intake_submission(submission, private / "submission", course.intake)
        except IntakeError as exc:
            return refused_result(assignment, student, submission, suite, exc, started)
        lease = UidLease() if caps.isolated else None
        uid = lease.uid if lease else None
        box = make_box_dir(workspace.boxes, student)
        copied = time.monotonic()
        try:
            spec, suite_job = build_spec(assignment, caps, limits, private, box, uid)
            report = run_job(spec, private, caps, limits, zygote, suite_job)
            raw = _read_json(Path(suite_job["results"]))
        finally:
            ended = time.monotonic()
            if lease:
                lease.release()
            remove_tree(box)
        tests = build_tests(raw, suite)
        feedback = build_feedback(report, raw, limits, caps) + intake_notes(scan)
        status = ("graded" if raw is not None and not raw.get("collect_errors")
                  and report.get("startup") != "sandbox_failed" else "error")
        result = make_result(
            student=student, assignment=assignment.name, kind="project", tests=tests,
            feedback=feedback, submission_sha256=hash_tree(submission),
            suite_version=suite.version, max_score=None, status=status,
            server_log_tail=public_log(report, raw, limits.log_tail_bytes),
            duration=time.monotonic() - started)
        result["sandbox"] = caps.mode
        result["timings"] = job_timings(report, raw, copied - started, time.monotonic() - ended)
        if status == "error":  # for the instructor: why the grader could not grade
            result["grader_log"] = (_tail_text(Path(suite_job["output"]), 2000)
                                    + report.get("runner_output", "")[-2000:]
                                    + ("" if zygote.alive else zygote.output_tail()))
        return result
    finally:
        remove_tree(private)


def refused_result(assignment: Assignment, student: str, submission: Path,
                   suite: TrustedSuite, error: IntakeError, started: float) -> dict[str, Any]:
    """The result of a submission refused at intake: status error, the reason, no tests."""
    result = make_result(
        student=student, assignment=assignment.name, kind="project", tests=[],
        feedback=[f"Your submission was not graded. {error}"],
        submission_sha256=safe_hash(submission), suite_version=suite.version,
        max_score=assignment.points, status="error", duration=time.monotonic() - started)
    result["refused"] = "intake"
    return result


def safe_hash(path: Path) -> str:
    """The submission's hash, or "" when it cannot even be read (it is reported anyway)."""
    try:
        return hash_tree(path)
    except (OSError, RecursionError, MemoryError):
        return ""


def job_timings(report: dict[str, Any], raw: dict[str, Any] | None, copy: float,
                cleanup: float) -> dict[str, float]:
    """Where a job's seconds went: sandbox set-up, server start, the suite, teardown."""
    timings = {"copy_submission": copy}
    if "runner_started_at" in report:
        timings["sandbox_launch"] = report["runner_started_at"] - report["launched_at"]
    timings.update(report.get("timings", {}))
    suite, marks = report.get("suite", {}), (raw or {}).get("marks", {})
    if "forked_at" in marks and "sent_at" in suite:
        timings["suite_fork"] = marks["forked_at"] - suite["sent_at"]
        timings["suite_tests"] = marks["finished_at"] - marks["collected_at"]
    cpu = report.get("cpu", {})
    if cpu and "cpu" in marks:  # CPU seconds: what the job costs on an idle machine
        timings["cpu_student_server"] = cpu["student"]
        timings["cpu_runner"] = cpu["runner"]
        timings["cpu_suite"] = marks["cpu"]
    timings["job_total"] = report.get("elapsed", 0.0) + copy + cleanup
    timings["cleanup"] = cleanup
    return {name: round(value, 3) for name, value in timings.items()}


def build_spec(assignment: Assignment, caps: SandboxCaps, limits: Limits, private: Path,
               box: Path, uid: int | None) -> tuple[JobSpec, dict[str, Any]]:
    """Assemble the runner's instructions and the suite's job for one submission.

    With the sandbox, the student's commands see their box at /box (`BOX_IN_VIEW`), and
    their /tmp is the box's tmp/; without it, the box's own path.
    """
    inside = BOX_IN_VIEW if caps.isolated else box
    port = SANDBOX_PORT if caps.netns else free_port()
    token = secrets.token_urlsafe(24)
    framework = detect_framework(private / "submission", assignment)
    prepare, server = server_command(framework, port, inside / "serve")
    server_env = clean_env({
        "HOME": str(inside / "home"), "TMPDIR": "/tmp" if caps.isolated else str(box / "tmp"),
        "DATABASE_URL": f"sqlite:///{inside / 'data' / 'hub.sqlite3'}",
        "HUB_ADMIN_TOKEN": token, "HUB_RATE_LIMIT": GRADING_RATE_LIMIT, "PYTHONUNBUFFERED": "1",
        "GRADER_WSGI_TARGET": wsgi_target(framework)})
    spec = JobSpec(
        box=str(box), box_in_view=str(inside), submission=str(private / "submission"),
        serve_module=str(Path(__file__).with_name("serve.py")), prepare=prepare,
        server=server, server_env=server_env, uid=uid, port=port, health_path=HEALTH_PATH,
        report=str(private / "report.json"), expose=python_prefixes(), netns=caps.isolated,
        limits=asdict(limits))
    suite_job = {"id": private.name, "backend": f"http://127.0.0.1:{port}", "token": token,
                 "results": str(private / "suite-results.json"),
                 "output": str(private / "suite-output.txt")}
    return spec, suite_job


def build_tests(raw: dict[str, Any] | None, suite: TrustedSuite) -> list[dict[str, Any]]:
    """Turn the plugin's records into results.json tests (no message for hidden ones).

    The tests keep the plugin's order, the order they ran in: stage by stage, as taught.
    """
    tests = []
    for record in (raw or {}).get("tests", []):
        visibility = suite.visibility(record["path"])
        passed = bool(record["passed"])
        tests.append({
            "name": record["nodeid"], "visibility": visibility,
            "points": float(record["points"]),
            "earned": float(record["points"]) if passed else 0.0, "passed": passed,
            "outcome": record["outcome"], "hint": record["hint"],
            "stage": record.get("stage"), "stage_title": record.get("stage_title"),
            "duration": record["duration"],
            "message": record["message"] if visibility == "public" and not passed else None,
        })
    return tests


_LOG_CLUES = [
    (re.compile(r"SyntaxError|IndentationError"), "Your code has a syntax error (see the log)."),
    (re.compile(r"MemoryError|Cannot allocate memory"),
     "Your code ran out of memory: each process may use at most {mem}."),
    (re.compile(r"Network is unreachable|Temporary failure in name resolution"),
     "Your code tried to reach the network; the grader's sandbox has none."),
    (re.compile(r"Resource temporarily unavailable|BlockingIOError"),
     "Your code started too many processes (at most {nproc})."),
]


def build_feedback(report: dict[str, Any], raw: dict[str, Any] | None, limits: Limits,
                   caps: SandboxCaps) -> list[str]:
    """Say plainly what happened to the submission."""
    lines: list[str] = list(caps.warnings)
    log = report.get("log_tail", "")
    startup = report.get("startup")
    if startup == "timeout":
        lines.append(f"Your server did not answer {HEALTH_PATH} within "
                     f"{limits.startup_seconds:g} s (an endless loop at import?).")
    elif startup == "exited":
        lines.append(f"Your server stopped before it answered {HEALTH_PATH}: "
                     f"{report.get('server_exit')}. The end of its log is below.")
    elif startup == "sandbox_failed":
        lines.append("The grader's sandbox failed to start your code; this is not your fault "
                     "(status: error). Your instructor has been told.")
    elif startup == "prepare_failed":
        lines.append(f"Preparing your project failed: {'; '.join(report.get('events', []))}.")
    if "SIGXCPU" in str(report.get("server_exit")):
        lines.append(f"Your server used more than {limits.cpu_seconds} s of CPU time.")
    if "SIGXFSZ" in str(report.get("server_exit")):
        lines.append(f"Your server wrote a file larger than {limits.file_bytes >> 20} MiB.")
    for pattern, text in _LOG_CLUES:
        if pattern.search(log):
            lines.append(text.format(mem=f"{limits.memory_bytes >> 20} MiB",
                                     nproc=limits.processes))
    lines += _output_and_run_lines(report, raw, limits)
    return lines


def _output_and_run_lines(report: dict[str, Any], raw: dict[str, Any] | None,
                          limits: Limits) -> list[str]:
    """Feedback about output volume, hung requests, the wall time and the grader itself."""
    lines = []
    if report.get("log_bytes", 0) > 1 << 20:
        lines.append(f"Your server wrote {report['log_bytes'] / 1e6:.0f} MB of output; "
                     f"only the last {limits.log_tail_bytes} bytes are kept.")
    timeouts = [t for t in (raw or {}).get("tests", []) if t["outcome"] == "timeout"]
    if timeouts:
        lines.append(f"{len(timeouts)} test(s) got no answer within "
                     f"{limits.request_seconds:g} s (a request that hangs?).")
    if report.get("startup") == "ok" and report.get("server_alive_after_suite") is False:
        lines.append(f"Your server stopped while being tested ({report.get('server_exit')}).")
    if report.get("box_full"):
        what = ("space" if report["box_full"] == "space" else "room for files")
        lines.append(f"Your code ran out of {what} in its sandbox (at most "
                     f"{limits.scratch_bytes >> 20} MiB and {limits.scratch_inodes} files "
                     "for your app, its database and /tmp together).")
    if report.get("processes_at_end", 0) > 8:
        lines.append(f"Your code was running {report['processes_at_end']} processes; "
                     "the grader stopped them all.")
    if report.get("wall_timeout") or report.get("suite_cut_short"):
        lines.append(f"Grading stopped after {limits.wall_seconds:g} s, the time limit "
                     "for one submission.")
    if raw is None:
        lines.append("The grader could not run the tests for this submission; "
                     "your instructor has been told (status: error).")
    elif raw.get("collect_errors"):
        lines.append("The trusted test suite failed to load; this is not your fault "
                     "(status: error).")
    return lines


def _tail_text(path: Path, size: int) -> str:
    """Return the last `size` characters of a text file ('' when missing)."""
    try:
        return path.read_bytes()[-size:].decode("utf-8", "replace")
    except OSError:
        return ""


def _read_json(path: Path) -> dict[str, Any] | None:
    """Return parsed JSON at path, or None."""
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None
