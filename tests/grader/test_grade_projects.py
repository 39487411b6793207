"""Grading project submissions in the sandbox: one batch over every kind of submission.

One batch at -j 2 grades a correct submission, a partly done one and one per misbehaviour
together, so the same run also shows that no submission stops or disturbs the batch.
Needs root and network namespaces (CI has both); skipped otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from submissions import FORGED_SCORE, NAMES, build, snapshot_course

from grader.batch import grade
from grader.course import Course
from grader.feedback import feedback_path
from grader.results import read_result, results_path
from grader.sandbox import Limits, detect_sandbox

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not detect_sandbox().isolated, reason="needs root and namespaces"),
]

LIMITS = Limits(startup_seconds=12.0, request_seconds=5.0, wall_seconds=150.0)
ASSIGNMENT = "flask-hub"


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """A snapshot of the course: the Flask starter and the contract suite."""
    return snapshot_course(tmp_path_factory.mktemp("repo"))


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory: pytest.TempPathFactory, course: Course) -> Path:
    """A course directory with one submission of each kind, one student each."""
    root = tmp_path_factory.mktemp("course")
    for name in NAMES:
        build(name, root / "submitted" / name / ASSIGNMENT, course_dir=root, student=name,
              contract=course.get(ASSIGNMENT).contract)
    return root


@pytest.fixture(scope="module")
def results(course: Course, course_dir: Path) -> dict[str, dict]:
    """Grade the whole batch once; results by student."""
    graded = grade(course, ASSIGNMENT, course_dir=course_dir, jobs=2, limits=LIMITS)
    return {r["student"]: r for r in graded}


@pytest.fixture(scope="module")
def direct_run(tmp_path_factory: pytest.TempPathFactory, course: Course,
               course_dir: Path) -> dict:
    """The partial submission tested directly, in-process over WSGI, without the grader."""
    root = tmp_path_factory.mktemp("direct")
    shutil.copytree(course.get(ASSIGNMENT).contract, root / "contract",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(course_dir / "submitted" / "partial" / ASSIGNMENT, root / "flask")
    out = root / "results.json"
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    subprocess.run([sys.executable, "-m", "pytest", str(root / "contract"), "--backend", "flask",
                    "-p", "grader.plugin", "--grader-results", str(out), "-p",
                    "no:cacheprovider", "-q", "--rootdir", str(root / "contract")],
                   cwd=root, env=env, capture_output=True, check=False)
    return json.loads(out.read_text())


def test_every_submission_gets_a_complete_result(results: dict, course_dir: Path) -> None:
    """The batch went through: one graded result and one feedback page per student."""
    assert sorted(results) == sorted(NAMES)
    for name, result in results.items():
        assert result["status"] == "graded", (name, result["feedback"])
        assert read_result(results_path(course_dir, name, ASSIGNMENT)) == result
        assert feedback_path(course_dir, name, ASSIGNMENT).is_file()


def test_correct_submission_gets_full_marks(results: dict) -> None:
    """The reference starter passes every public and hidden test."""
    result = results["correct"]
    failed = [t["name"] for t in result["tests"] if not t["passed"]]
    assert failed == []
    assert result["score"] == result["max_score"] > 0
    assert {t["visibility"] for t in result["tests"]} == {"public", "hidden"}


def test_partial_submission_gets_the_points_it_earned(results: dict, direct_run: dict) -> None:
    """Breaking the commands endpoints costs exactly the tests a direct run fails."""
    result = results["partial"]
    expected_failed = {t["nodeid"] for t in direct_run["tests"] if not t["passed"]}
    expected_score = sum(t["points"] for t in direct_run["tests"] if t["passed"])
    assert expected_failed
    assert {t["name"] for t in result["tests"] if not t["passed"]} == expected_failed
    assert result["score"] == pytest.approx(expected_score)
    assert 0 < result["score"] < result["max_score"]


def test_hidden_tests_show_no_message(results: dict) -> None:
    """A failed hidden test gives its name and hint, never its assertion."""
    hidden_failures = [t for t in results["partial"]["tests"]
                       if t["visibility"] == "hidden" and not t["passed"]]
    public_failures = [t for t in results["partial"]["tests"]
                       if t["visibility"] == "public" and not t["passed"]]
    assert hidden_failures and public_failures
    assert all(t["message"] is None and t["hint"] for t in hidden_failures)
    assert all(t["message"] for t in public_failures)


@pytest.mark.parametrize("name", ["syntax-error", "never-starts", "import-loop", "fork-bomb",
                                  "memory-hog"])
def test_a_server_that_never_answers_scores_zero(results: dict, name: str) -> None:
    """No server, no points: every test recorded as failed, with a reason."""
    result = results[name]
    assert result["score"] == 0 and result["max_score"] == results["correct"]["max_score"]
    assert all(t["message"] is None or t["message"].startswith("not run")
               for t in result["tests"])
    assert result["feedback"], name


@pytest.mark.parametrize(("name", "clue"), [
    ("syntax-error", "syntax error"),
    ("never-starts", "exited with code"),
    ("import-loop", "did not answer"),
    ("fork-bomb", "processes"),
    ("memory-hog", "out of memory"),
])
def test_feedback_says_what_happened(results: dict, name: str, clue: str) -> None:
    """Each misbehaviour gets a plain line about it."""
    assert any(clue in line for line in results[name]["feedback"]), results[name]["feedback"]


def test_a_request_that_hangs_costs_one_test(results: dict) -> None:
    """The hung stats request fails its test; every other test passes."""
    failed = [t for t in results["hangs-on-request"]["tests"] if not t["passed"]]
    assert len(failed) == 1 and failed[0]["outcome"] == "timeout"
    assert any("no answer" in line for line in results["hangs-on-request"]["feedback"])


def test_output_is_drained_and_capped(results: dict) -> None:
    """A gibibyte of output neither blocks the server nor bloats the result."""
    result = results["output-flood"]
    assert result["score"] == result["max_score"]
    assert len(result["server_log_tail"].encode()) <= LIMITS.log_tail_bytes
    assert any("MB of output" in line for line in result["feedback"])


def test_the_network_is_unreachable(results: dict) -> None:
    """The only interface is loopback: a connection out fails at once."""
    result = results["network"]
    assert "NETWORK: [Errno 101] Network is unreachable" in result["server_log_tail"]
    assert "NETWORK: connected" not in result["server_log_tail"]
    assert any("network" in line for line in result["feedback"])
    assert result["score"] == result["max_score"]


def test_the_hidden_tests_cannot_be_read(results: dict) -> None:
    """The course's suite, the grader's copy and the trusted pytest are out of reach.

    The sandbox's view holds none of them: the course's path does not exist there, its
    /tmp is its own (no /tmp/blink-grader-*), its /proc shows its own processes only.
    """
    log = results["reads-hidden-tests"]["server_log_tail"]
    probes = [line for line in log.splitlines() if line.startswith("PROBE")]
    assert any("contract/hidden: FileNotFoundError 2" in p for p in probes), log
    assert not any("/suite" in p for p in probes), probes
    assert not any("LISTED" in p or "READ" in p or "SAW" in p for p in probes), probes


def test_forged_results_change_nothing(results: dict, course_dir: Path) -> None:
    """Every write aimed at a results file lands in the student's own box (the course
    directory's path, in the sandbox's view, is under its private /tmp), or nowhere."""
    result = results["forges-results"]
    log = result["server_log_tail"]
    assert result["score"] == results["correct"]["score"] != FORGED_SCORE
    assert "suite-results.json" not in log, log  # no grader directory to aim at
    stored = read_result(results_path(course_dir, "forges-results", ASSIGNMENT))
    assert stored is not None and stored["score"] == result["score"]


def test_a_second_run_grades_nothing_again(course: Course, results: dict,
                                           course_dir: Path) -> None:
    """Resume: every submission already has its result, so none is touched."""
    paths = [results_path(course_dir, name, ASSIGNMENT) for name in NAMES]
    before = {p: p.stat().st_mtime_ns for p in paths}
    again = grade(course, ASSIGNMENT, course_dir=course_dir, jobs=2, limits=LIMITS)
    assert {p: p.stat().st_mtime_ns for p in paths} == before
    assert sorted(r["student"] for r in again) == sorted(NAMES)
