"""Grading notebook submissions: nbgrader autograde in the sandbox, its feedback, results.json.

The attacks on notebook grading are in test_attacks_notebooks.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from grader import nbsandbox
from grader.__main__ import main
from grader.batch import grade
from grader.course import Course, load_course
from grader.errors import CourseError
from grader.feedback import feedback_path
from grader.nbsandbox import NotebookSandbox
from grader.results import read_result, results_path
from grader.sandbox import detect_sandbox

FIXTURES = Path(__file__).parent / "fixtures"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not detect_sandbox().isolated, reason="needs root and bubblewrap"),
    # nbgrader 0.9's gradebook adds submissions in a way SQLAlchemy 2 warns about.
    pytest.mark.filterwarnings("ignore:Object of type <Submitted:sqlalchemy.exc.SAWarning"),
]


def submit(course: Course, student: str, solution: str | None = None) -> None:
    """Submit the demo notebook as `student`, with the solution cell's body replaced."""
    assignment = course.get("demo")
    target = course.root / "submitted" / student / "demo"  # the course is its course dir
    shutil.copytree(assignment.source, target)
    if solution is None:
        return
    path = target / "demo.ipynb"
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "squares":
            cell["source"] = f"def squares(n):\n    {solution}\n"
    path.write_text(json.dumps(notebook))


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Four submissions graded in one batch at -j 2, two sandboxes at a time: each waits
    for another at a barrier (graded one at a time, the barrier would break)."""
    root = tmp_path_factory.mktemp("nb-grade") / "course"
    shutil.copytree(FIXTURES / "notebook-demo", root)
    course = load_course(root)
    submit(course, "right")
    submit(course, "empty", "return []")
    submit(course, "wrong", "return [0, 1, 4][:n]")
    submit(course, "boom", "raise RuntimeError('boom')")
    barrier = threading.Barrier(2, timeout=120)
    execute = NotebookSandbox.execute

    def together(self: NotebookSandbox, *args: Any, **kwargs: Any) -> Any:
        barrier.wait()
        return execute(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(NotebookSandbox, "execute", together)
        results = {r["student"]: r for r in grade(course, "demo", course_dir=root, jobs=2)}
    return {"course_dir": root, "results": results, "barrier": barrier}


def test_notebooks_get_the_points_of_their_passing_cells(graded: dict[str, Any]) -> None:
    """A right answer gets 3 / 3; a wrong one passes only the cell it happens to satisfy."""
    results, course_dir = graded["results"], graded["course_dir"]
    assert (results["right"]["score"], results["right"]["max_score"]) == (3.0, 3.0)
    empty = {t["name"]: t["passed"] for t in results["empty"]["tests"]}
    assert empty == {"demo.ipynb::test_squares": False, "demo.ipynb::test_squares_hidden": False}
    assert results["empty"]["score"] == 0.0
    for student in ("right", "empty"):
        assert read_result(results_path(course_dir, student, "demo")) == results[student]
        page = feedback_path(course_dir, student, "demo")
        assert (page.parent / "demo.html").is_file() and "demo.html" in page.read_text()


def test_notebooks_are_graded_in_parallel(graded: dict[str, Any]) -> None:
    """-j 2 honoured: the sandboxes of two jobs met at the barrier (see the fixture)."""
    assert not graded["barrier"].broken
    assert all(r["status"] == "graded" and r["sandbox"] == "bubblewrap"
               for r in graded["results"].values())


def test_hidden_tests_stay_hidden_in_feedback(graded: dict[str, Any]) -> None:
    """The hidden test's source and its failure are on no page; its name and points are."""
    result = graded["results"]["wrong"]
    tests = {t["name"]: t for t in result["tests"]}
    hidden, public = tests["demo.ipynb::test_squares_hidden"], tests["demo.ipynb::test_squares"]
    assert (hidden["visibility"], hidden["passed"], hidden["message"]) == ("hidden", False, None)
    assert public["visibility"] == "public" and public["passed"]
    folder = feedback_path(graded["course_dir"], "wrong", "demo").parent
    for page in (folder / "index.html", folder / "demo.html"):
        text = page.read_text()
        assert "squares(5)" not in text and "HIDDEN TESTS" not in text
    assert "test_squares_hidden" in (folder / "index.html").read_text()


def test_a_notebook_that_raises_is_graded(graded: dict[str, Any]) -> None:
    """An exception in the solution cell costs points, not the batch; the page says why."""
    result = graded["results"]["boom"]
    assert result["status"] == "graded" and result["score"] == 0.0
    public = next(t for t in result["tests"] if t["name"] == "demo.ipynb::test_squares")
    assert public["message"] == "RuntimeError: boom"


def test_grading_a_student_without_a_submission_says_so(demo_course: Course,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    """`--student nobody`: an error naming who has a submission, exit status 1."""
    submit(demo_course, "alice")
    with pytest.raises(CourseError, match="No submission of demo for nobody"):
        grade(demo_course, "demo", course_dir=demo_course.root, students=["nobody"])
    status = main(["grade", "demo", "--course", str(demo_course.root), "--course-dir",
                   str(demo_course.root), "--student", "nobody"])
    err = capsys.readouterr().err
    assert status == 1 and "No submission of demo for nobody" in err and "alice" in err
    assert not results_path(demo_course.root, "alice", "demo").exists()


def test_a_sandbox_that_does_not_start_is_an_error_not_a_zero(
        demo_course: Course, monkeypatch: pytest.MonkeyPatch) -> None:
    """bwrap failing is the grader's problem: status error, saying so, graded again next
    time (a zero would stick)."""
    monkeypatch.setattr(nbsandbox, "bwrap_argv",
                        lambda view, argv: ["sh", "-c", "echo 'bwrap: no way' >&2; exit 1"])
    submit(demo_course, "unlucky")
    [result] = grade(demo_course, "demo", course_dir=demo_course.root, jobs=1)
    assert result["status"] == "error" and result["tests"] == []
    assert "the notebook sandbox did not start: bwrap: no way" in result["feedback"][-1]


def test_a_request_still_buffered_for_a_run_that_ended_does_not_fail_the_grader() -> None:
    """The sandbox can end before reading the notebook (bwrap refused to start): closing its
    stdin then flushes into a broken pipe. Both pipes are closed all the same, no error."""
    proc = subprocess.Popen(["true"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    proc.wait()
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b"{}" * 100)  # small: it stays in the buffer until close() flushes it
    nbsandbox._close(proc.stdin, proc.stdout)
    assert proc.stdin.closed and proc.stdout.closed
