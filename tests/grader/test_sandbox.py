"""The grader's parts on their own: the pytest plugin, results.json, the feedback page,
sandbox detection and the fallback without namespaces."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from submissions import build, snapshot_course

from grader.batch import grade
from grader.feedback import render_feedback
from grader.results import atomic_write_json, hash_tree, make_result, read_result
from grader.sandbox import Limits, Zygote, clean_env, detect_sandbox

SUITE = """
import time
import pytest

@pytest.mark.points(3)
@pytest.mark.hint("check the sum")
def test_passes():
    assert 1 + 1 == 2

@pytest.mark.points(2)
@pytest.mark.hint("check the product")
def test_fails():
    assert 2 * 2 == 5, "two times two"

@pytest.mark.points(4)
def test_hangs():
    time.sleep(30)

def test_skips():
    pytest.skip("not today")
"""


def run_plugin(tmp_path: Path, *args: str) -> dict:
    """Run the plugin over a tiny suite; return what it wrote."""
    (tmp_path / "test_tiny.py").write_text(textwrap.dedent(SUITE))
    out = tmp_path / "out.json"
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    subprocess.run([sys.executable, "-m", "pytest", str(tmp_path), "-p", "grader.plugin",
                    "-p", "no:cacheprovider", "--rootdir", str(tmp_path), "-q",
                    "--grader-results", str(out), *args],
                   cwd=tmp_path, env=env, capture_output=True, check=False)
    return {t["nodeid"].split("::")[1]: t for t in json.loads(out.read_text())["tests"]}


class TestPlugin:
    """-p grader.plugin records points, hints and outcomes."""

    def test_records_points_hints_and_outcomes(self, tmp_path: Path) -> None:
        records = run_plugin(tmp_path, "--grader-test-timeout", "1")
        assert records["test_passes"] | {"duration": 0} == {
            "nodeid": "test_tiny.py::test_passes", "path": "test_tiny.py", "points": 3.0,
            "hint": "check the sum", "outcome": "passed", "passed": True, "duration": 0,
            "message": None, "stage": None, "stage_title": None}
        assert records["test_fails"]["outcome"] == "failed"
        assert "two times two" in records["test_fails"]["message"]
        assert records["test_skips"]["outcome"] == "skipped"
        assert records["test_skips"]["points"] == 1.0

    def test_a_hanging_test_times_out(self, tmp_path: Path) -> None:
        records = run_plugin(tmp_path, "--grader-test-timeout", "0.5")
        assert records["test_hangs"]["outcome"] == "timeout"
        assert not records["test_hangs"]["passed"]

    def test_not_run_records_every_test_as_failed(self, tmp_path: Path) -> None:
        records = run_plugin(tmp_path, "--grader-not-run", "not run: no server")
        assert {r["outcome"] for r in records.values()} == {"failed"}
        assert {r["message"] for r in records.values()} == {"not run: no server"}
        assert records["test_hangs"]["points"] == 4.0


def test_zygote_collects_once_and_runs_each_job_in_a_child(tmp_path: Path) -> None:
    """One warm pytest serves jobs one after another; each job gets its own results."""
    (tmp_path / "test_tiny.py").write_text(textwrap.dedent(SUITE))
    (tmp_path / "tiny.ini").write_text("[pytest]\n")
    argv = [sys.executable, "-m", "pytest", str(tmp_path), "-c", str(tmp_path / "tiny.ini"),
            "--rootdir", str(tmp_path), "-p", "grader.plugin", "-p", "no:cacheprovider",
            "-q", "--capture=no", "--grader-test-timeout", "0.5"]
    env = clean_env({"HOME": str(tmp_path), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
                     "PYTHONPATH": os.pathsep.join(sys.path)})
    zygote = Zygote(argv, tmp_path, env, tmp_path / "zygote.log")
    outcomes = {}
    try:
        for job, extra in (("ran", {}), ("not-run", {"not_run": "not run: no server"}),
                           ("nowhere", {"netns": str(tmp_path / "no-such-netns")})):
            done = zygote.run({"id": job, "backend": "", "token": "", "output":
                               str(tmp_path / f"{job}.txt"), "results":
                               str(tmp_path / f"{job}.json"), **extra}, budget=60)
            outcomes[job] = done["status"]
    finally:
        zygote.close()
    ran = {t["nodeid"].split("::")[1]: t["outcome"]
           for t in json.loads((tmp_path / "ran.json").read_text())["tests"]}
    assert ran == {"test_passes": "passed", "test_fails": "failed", "test_hangs": "timeout",
                   "test_skips": "skipped"}
    not_run = json.loads((tmp_path / "not-run.json").read_text())["tests"]
    assert {(t["outcome"], t["message"]) for t in not_run} == {("failed", "not run: no server")}
    # A child that cannot join the job's network namespace runs nothing and says so.
    assert outcomes["ran"] == outcomes["not-run"] == 0 != outcomes["nowhere"]
    assert not (tmp_path / "nowhere.json").exists()
    assert zygote.proc.returncode is not None


class TestResults:
    """results.json: hashes, scores and atomic writes."""

    def test_hash_changes_with_content_not_caches(self, tmp_path: Path) -> None:
        (tmp_path / "a.py").write_text("x = 1\n")
        before = hash_tree(tmp_path)
        (tmp_path / "__pycache__").mkdir()
        (tmp_path / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
        assert hash_tree(tmp_path) == before
        (tmp_path / "a.py").write_text("x = 2\n")
        assert hash_tree(tmp_path) != before

    def test_score_is_the_sum_of_earned_points(self) -> None:
        tests = [{"points": 2.0, "earned": 2.0}, {"points": 3.0, "earned": 0.0}]
        result = make_result(student="s", assignment="a", kind="project", tests=tests,
                             feedback=[], submission_sha256="x", suite_version="y")
        assert (result["score"], result["max_score"]) == (2.0, 5.0)

    def test_atomic_write_leaves_no_temporary_file(self, tmp_path: Path) -> None:
        path = tmp_path / "deep" / "results.json"
        atomic_write_json(path, {"score": 1})
        atomic_write_json(path, {"score": 2})
        assert read_result(path) == {"score": 2}
        assert [p.name for p in path.parent.iterdir()] == ["results.json"]

    def test_a_truncated_file_is_not_a_result(self, tmp_path: Path) -> None:
        path = tmp_path / "results.json"
        path.write_text('{"score": 1, "tests": [')
        assert read_result(path) is None


def test_feedback_escapes_what_the_student_controls() -> None:
    """Log lines and messages are text, never markup."""
    tests = [{"name": "tests/t.py::test_a", "visibility": "public", "points": 1.0,
              "earned": 0.0, "passed": False, "hint": "look <here>", "duration": 0.1,
              "message": "<script>alert(1)</script>"},
             {"name": "hidden/t.py::test_b", "visibility": "hidden", "points": 2.0,
              "earned": 2.0, "passed": True, "hint": "a hint", "duration": 0.1,
              "message": None}]
    result = make_result(student="eve", assignment="flask-hub", kind="project", tests=tests,
                         feedback=["<b>bold</b>"], submission_sha256="a" * 64,
                         suite_version="b" * 64, server_log_tail="</pre><img src=x>")
    page = render_feedback(result)
    assert "<script>" not in page and "<img" not in page and "<b>bold" not in page
    assert "&lt;script&gt;" in page and "(hidden test)" in page
    assert "2 / 3" in page and "look &lt;here&gt;" in page


def test_grader_sandbox_none_forces_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """GRADER_SANDBOX=none: no namespaces, and a warning that says so."""
    monkeypatch.setenv("GRADER_SANDBOX", "none")
    caps = detect_sandbox()
    assert not caps.isolated
    assert any("can reach the network" in w for w in caps.warnings)


@pytest.mark.slow
def test_fallback_still_grades(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the sandbox the grader warns plainly and still grades."""
    monkeypatch.setenv("GRADER_SANDBOX", "none")
    course = snapshot_course(tmp_path / "repo")
    build("correct", tmp_path / "submitted" / "solo" / "flask-hub", course_dir=tmp_path,
          student="solo")
    [result] = grade(course, "flask-hub", course_dir=tmp_path, jobs=1,
                     limits=Limits(startup_seconds=20))
    assert result["status"] == "graded"
    assert result["score"] == result["max_score"] > 0
    assert any("resource limits only" in line for line in result["feedback"])
