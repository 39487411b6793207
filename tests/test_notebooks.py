"""Every notebook of the course, graded by nbgrader as a student's would be.

For each notebook assignment in course.toml, one batch in a fresh course directory grades
two submissions with the real grader (nbgrader autograde, the student's code in the
sandbox):

- "solution": the source notebook as it is, solutions in. It must run top to bottom
  without an error in any cell and get full marks;
- "released": what `grader release` gives a student, handed in untouched. Every autograded
  cell must get zero (no test passes on an empty answer), and grading it must not crash.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import nbformat
import pytest
from hubtesting import REPO

from grader.batch import grade
from grader.course import load_course
from grader.release import release_notebooks
from grader.sandbox import detect_sandbox

COURSE = load_course(REPO)
# One xdist group per notebook: its tests share one grading batch on one worker
# (`make test` runs pytest with --dist loadgroup).
NOTEBOOKS = [pytest.param(a.name, marks=pytest.mark.xdist_group(f"notebook-{a.name}"))
             for a in COURSE.assignments.values() if a.kind == "notebook" and a.source.is_dir()]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not detect_sandbox().isolated, reason="needs root and bubblewrap"),
    # nbgrader 0.9's gradebook adds submissions in a way SQLAlchemy 2 warns about.
    pytest.mark.filterwarnings("ignore:Object of type <Submitted:sqlalchemy.exc.SAWarning"),
]


@pytest.fixture(scope="module", params=NOTEBOOKS)
def graded(request, tmp_path_factory):
    """Grade the source and the release of one notebook assignment in one batch."""
    assignment = COURSE.get(request.param)
    course_dir = tmp_path_factory.mktemp(assignment.name)
    shutil.copytree(assignment.source, course_dir / "submitted" / "solution" / assignment.name,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    released = release_notebooks(COURSE, assignment, out=course_dir / "release",
                                 course_dir=course_dir / "release-course")
    shutil.copytree(released.directory, course_dir / "submitted" / "released" / assignment.name)
    started = time.monotonic()
    results = {r["student"]: r for r in grade(COURSE, assignment.name,
                                              course_dir=course_dir, jobs=2)}
    print(f"\n{assignment.name}: graded source and release in "
          f"{time.monotonic() - started:.1f} s")
    return assignment, course_dir, results


def test_the_source_gets_full_marks(graded):
    assignment, _, results = graded
    result = results["solution"]
    failed = [f"{t['name']}: {t.get('message')}" for t in result["tests"] if not t["passed"]]
    assert result["status"] == "graded", result["feedback"]
    assert not failed, f"the solution fails: {failed}"
    assert result["tests"], "no autograded test cell"
    assert result["score"] == result["max_score"] > 0
    if assignment.points is not None:
        assert result["max_score"] == assignment.points, "course.toml's points are out of date"


def test_the_source_runs_top_to_bottom_without_an_error(graded):
    """An error in a teaching cell costs no points but breaks the lesson: none allowed."""
    assignment, course_dir, _ = graded
    executed = sorted((course_dir / "autograded" / "solution" / assignment.name).glob("*.ipynb"))
    assert executed, "nbgrader wrote no autograded notebook"
    for path in executed:
        notebook = nbformat.read(path, as_version=4)
        errors = [(i, o.get("ename"), o.get("evalue")) for i, cell in enumerate(notebook.cells)
                  for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, f"{path.name}: cells raised {errors}"


def test_the_release_gets_zero_on_every_autograded_cell(graded):
    _, _, results = graded
    result = results["released"]
    assert result["status"] == "graded", result["feedback"]
    passed = [t["name"] for t in result["tests"] if t["passed"] or t["earned"]]
    assert not passed, f"tests that pass on an empty answer: {passed}"
    assert result["score"] == 0


def test_every_test_cell_has_points_and_a_message(graded):
    """A test cell is worth points and says what it checks (its docstring's first line)."""
    assignment, _, _ = graded
    for path in sorted(Path(assignment.source).glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        tests = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
        assert tests, f"{path.name} has no autograded test cell"
        for cell in tests:
            meta = cell.metadata["nbgrader"]
            assert meta.get("points", 0) > 0, f"{meta['grade_id']}: no points"
            assert cell.source.lstrip().startswith('"""'), (
                f"{meta['grade_id']}: start the test cell with a docstring saying what it checks")


def test_the_tests_come_in_the_order_of_the_cells(graded):
    """The feedback's "first test cell that fails" is the first the student meets."""
    assignment, _, results = graded
    cells = [f"{path.name}::{cell.metadata['nbgrader']['grade_id']}"
             for path in sorted(assignment.source.glob("*.ipynb"))
             for cell in nbformat.read(path, as_version=4).cells
             if cell.get("metadata", {}).get("nbgrader", {}).get("grade")]
    assert [t["name"] for t in results["solution"]["tests"]] == cells
