"""Grading notebook submissions: nbgrader autograde, its feedback, results.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from grader.batch import grade
from grader.course import Course
from grader.feedback import feedback_path
from grader.results import read_result, results_path

pytestmark = [
    pytest.mark.slow,
    # nbgrader 0.9's gradebook adds submissions in a way SQLAlchemy 2 warns about.
    pytest.mark.filterwarnings("ignore:Object of type <Submitted:sqlalchemy.exc.SAWarning"),
]


def submit(course: Course, student: str, solution: str | None = None) -> None:
    """Submit the demo notebook as `student`, with the solution cell's body replaced."""
    assignment = course.get("demo")
    target = course.root / "submitted" / student / "demo"
    shutil.copytree(assignment.source, target)
    if solution is None:
        return
    path = target / "demo.ipynb"
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "squares":
            cell["source"] = f"def squares(n):\n    {solution}\n"
    path.write_text(json.dumps(notebook))


def test_notebooks_get_the_points_of_their_passing_cells(demo_course: Course) -> None:
    """A right answer gets 3 / 3; a wrong one passes only the cell it happens to satisfy."""
    submit(demo_course, "right")
    submit(demo_course, "empty", "return []")
    results = {r["student"]: r for r in grade(demo_course, "demo",
                                               course_dir=demo_course.root)}
    assert (results["right"]["score"], results["right"]["max_score"]) == (3.0, 3.0)
    empty = {t["name"]: t["passed"] for t in results["empty"]["tests"]}
    assert empty == {"demo.ipynb::test_squares": False, "demo.ipynb::test_squares_hidden": False}
    assert results["empty"]["score"] == 0.0
    for student in ("right", "empty"):
        assert read_result(results_path(demo_course.root, student, "demo")) == results[student]
        page = feedback_path(demo_course.root, student, "demo")
        assert (page.parent / "demo.html").is_file() and "demo.html" in page.read_text()


def test_a_notebook_that_raises_is_graded(demo_course: Course) -> None:
    """An exception in the solution cell costs points, not the batch."""
    submit(demo_course, "boom", "raise RuntimeError('boom')")
    [result] = grade(demo_course, "demo", course_dir=Path(demo_course.root))
    assert result["status"] == "graded" and result["score"] == 0.0
