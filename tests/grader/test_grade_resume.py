"""A batch killed with kill -9 and run again: every result once, complete, none redone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from submissions import build, snapshot_course

from grader.results import read_result, results_path
from grader.sandbox import detect_sandbox

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not detect_sandbox().isolated, reason="needs root and namespaces"),
]

STUDENTS = ("ada", "bob", "cy", "dee")
# This module's batches run as uids of their own, so the checks below see only their
# processes, whatever other grading runs beside them (pytest-xdist).
UID_BASE, UID_COUNT = 64000 + 100 * (os.getpid() % 20), 100
BATCH_ENV = {**os.environ, "GRADER_UID_BASE": str(UID_BASE), "GRADER_UID_COUNT": str(UID_COUNT)}
_BATCH = """
import sys
from pathlib import Path
from grader.batch import grade
from grader.course import load_course
grade(load_course(Path(sys.argv[1])), "flask-hub", course_dir=Path(sys.argv[2]), jobs=1)
"""


def run_batch(course_dir: Path, stderr: int = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    """Start `grade` over the course dir in a child process (its own session)."""
    return subprocess.Popen([sys.executable, "-c", _BATCH, str(course_dir), str(course_dir)],
                            stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
                            env=BATCH_ENV)


def wait_for_results(course_dir: Path, count: int, proc: subprocess.Popen[bytes]) -> None:
    """Wait until `count` results exist (or the batch ended)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        done = [s for s in STUDENTS
                if results_path(course_dir, s, "flask-hub").exists()]
        if len(done) >= count:
            return
        time.sleep(0.1)


def sandbox_processes() -> list[int]:
    """Return the pids running as one of this module's sandbox uids."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            uid = os.stat(f"/proc/{entry}").st_uid if entry.isdigit() else -1
        except OSError:
            continue
        if UID_BASE <= uid < UID_BASE + UID_COUNT:
            found.append(int(entry))
    return found


def wait_no_sandbox_processes(seconds: float = 10) -> bool:
    """True once no sandbox process is left (they die with the batch that started them)."""
    deadline = time.monotonic() + seconds
    while sandbox_processes():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_kill_minus_nine_then_resume(tmp_path: Path) -> None:
    """Kill the batch after its first result; the rerun grades only the rest."""
    snapshot_course(tmp_path)
    for student in STUDENTS:
        build("correct", tmp_path / "submitted" / student / "flask-hub", course_dir=tmp_path,
              student=student)
    proc = run_batch(tmp_path)
    wait_for_results(tmp_path, 1, proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    first = {s: results_path(tmp_path, s, "flask-hub") for s in STUDENTS}
    kept = {s: p.stat().st_mtime_ns for s, p in first.items() if p.exists()}
    assert 1 <= len(kept) < len(STUDENTS)
    assert wait_no_sandbox_processes(), "the killed batch left student processes running"

    again = run_batch(tmp_path, stderr=subprocess.PIPE)
    _, err = again.communicate(timeout=600)
    assert again.returncode == 0, err.decode()[-2000:]
    for student, path in first.items():
        result = read_result(path)
        assert result is not None and result["status"] == "graded", student
        assert result["score"] == result["max_score"] > 0
        leftovers = [p.name for p in path.parent.iterdir() if p.name != "results.json"]
        assert leftovers == [], leftovers
    assert {s: first[s].stat().st_mtime_ns for s in kept} == kept


def children_running(parent: int, word: str) -> list[int]:
    """Return the pids of `parent`'s children whose command line holds `word`."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{entry}/status").read_text()
            argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"\nPPid:\t{parent}\n" in status and word.encode() in argv:
            found.append(int(entry))
    return found


def grader_cli(course: Path) -> list[str]:
    """The `python -m grader grade` command line for the course in `course`."""
    return [sys.executable, "-m", "grader", "grade", "flask-hub", "--course", str(course),
            "--course-dir", str(course), "-j", "2"]


def test_ctrl_c_then_resume(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the grader's process group) mid-batch: the rerun completes it.

    Nothing is lost or graded twice: results written before the interrupt are kept as
    they are, none is half-written, and no sandbox process outlives the grader.
    """
    snapshot_course(tmp_path)
    for student in STUDENTS:
        build("correct", tmp_path / "submitted" / student / "flask-hub", course_dir=tmp_path,
              student=student)
    proc = subprocess.Popen(grader_cli(tmp_path), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True, env=BATCH_ENV)
    wait_for_results(tmp_path, 1, proc)
    zygotes = children_running(proc.pid, "--grader-zygote")
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()[-2000:]
    assert "interrupted" in err.decode()
    assert wait_no_sandbox_processes(), "Ctrl-C left student processes running"
    assert len(zygotes) == 1 and not any(os.path.exists(f"/proc/{pid}") for pid in zygotes)
    paths = {s: results_path(tmp_path, s, "flask-hub") for s in STUDENTS}
    kept = {s: p.stat().st_mtime_ns for s, p in paths.items() if p.exists()}
    assert 1 <= len(kept) < len(STUDENTS)
    for student in kept:
        assert read_result(paths[student])["status"] == "graded", student

    again = subprocess.run(grader_cli(tmp_path), capture_output=True, timeout=600,
                           check=False)
    assert again.returncode == 0, again.stderr.decode()[-2000:]
    assert f"{len(kept)} submission(s) already graded" in again.stderr.decode()
    for student, path in paths.items():
        result = read_result(path)
        assert result is not None and result["status"] == "graded", student
        assert result["score"] == result["max_score"] > 0
        assert [p.name for p in path.parent.iterdir()] == ["results.json"]
    assert {s: paths[s].stat().st_mtime_ns for s in kept} == kept
    assert wait_no_sandbox_processes()
