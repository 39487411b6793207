"""`grader export`: one gradebook across nbgrader notebooks and project results."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from grader.__main__ import main
from grader.course import Course
from grader.export import collect, export, histograms, summary_table
from grader.nbconfig import gradebook_url, scripts_on_path

MANIFEST = """
    [course]
    id = "export-demo"

    [[assignment]]
    name = "demo"
    kind = "notebook"
    title = "Squares"

    [[assignment]]
    name = "hub"
    kind = "project"
    title = "The hub"
    points = 10
    source = "starter"
    contract = "contract"
    framework = "flask"
"""


def write_result(course_dir: Path, student: str, assignment: str, score: float) -> None:
    """Write a results.json as the grader leaves it (only the fields export reads matter)."""
    path = course_dir / "autograded" / student / assignment / "results.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"student": student, "assignment": assignment, "kind": "project",
                                "status": "graded", "score": score, "max_score": 10.0,
                                "tests": []}), encoding="utf-8")


def write_gradebook(course_dir: Path, course_id: str, scores: dict[str, float | None]) -> None:
    """An nbgrader gradebook for `demo` (two cells, 2 + 1 points) with these students."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    with (
        warnings.catch_warnings(),
        scripts_on_path(),
        Gradebook(gradebook_url(course_dir), course_id) as gb,
    ):
        # nbgrader 0.9's add_submission trips SQLAlchemy 2's autoflush warning; harmless here.
        warnings.filterwarnings("ignore", r"Object of type <Submitted\w+> not in session",
                                SAWarning)
        gb.add_assignment("demo")
        gb.add_notebook("demo", "demo")
        gb.add_grade_cell("test_squares", "demo", "demo", max_score=2, cell_type="code")
        gb.add_grade_cell("test_hidden", "demo", "demo", max_score=1, cell_type="code")
        for student, score in scores.items():
            gb.add_student(student)
            if score is None:
                continue
            gb.add_submission("demo", student)
            grade = gb.find_grade("test_squares", "demo", "demo", student)
            grade.auto_score = min(score, 2)
            hidden = gb.find_grade("test_hidden", "demo", "demo", student)
            hidden.auto_score = max(score - 2, 0)
        gb.db.commit()


@pytest.fixture(scope="module")
def gradebook_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One gradebook.db for the module (a new one costs nbgrader an alembic run)."""
    directory = tmp_path_factory.mktemp("gradebook")
    write_gradebook(directory, "export-demo", {"alice": 2, "carol": 3, "dave": None})
    return directory / "gradebook.db"


@pytest.fixture
def graded(make_course, tmp_path: Path, gradebook_file: Path) -> tuple[Course, Path]:
    """A course with a notebook and a project, and a course directory with scores."""
    course = make_course(MANIFEST)
    course_dir = tmp_path / "course-dir"
    course_dir.mkdir()
    shutil.copy(gradebook_file, course_dir / "gradebook.db")
    write_result(course_dir, "alice", "hub", 7.5)
    write_result(course_dir, "bob", "hub", 0)
    return course, course_dir


def read_rows(path: Path) -> list[list[str]]:
    """The CSV's rows."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_one_row_per_student_and_empty_cells_for_missing_work(graded: tuple[Course, Path]) -> None:
    course, course_dir = graded
    book, path = export(course, course_dir=course_dir)
    assert path == course_dir / "grades.csv"
    assert read_rows(path) == [
        ["student", "demo", "hub", "total", "max"],
        ["alice", "2", "7.5", "9.5", "13"],
        ["bob", "", "0", "0", "13"],
        ["carol", "3", "", "3", "13"],
        ["dave", "", "", "0", "13"],
    ]


def test_notebook_maximum_comes_from_the_gradebook(graded: tuple[Course, Path]) -> None:
    course, course_dir = graded
    book = collect(course, course_dir)
    assert book.max_points == {"demo": 3.0, "hub": 10.0}
    assert sorted(book.column("hub")) == [0.0, 7.5]


def test_summary_and_histograms(graded: tuple[Course, Path], tmp_path: Path) -> None:
    course, course_dir = graded
    book = collect(course, course_dir)
    table = summary_table(book)
    assert [c.header for c in table.columns][:3] == ["assignment", "graded", "mean"]
    assert list(table.columns[2].cells) == ["2.5", "3.75"]
    pngs = histograms(book, tmp_path / "plots")
    assert [p.name for p in pngs] == ["hist-demo.png", "hist-hub.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)


def test_course_dir_without_grades_gives_a_header_only(make_course, tmp_path: Path) -> None:
    course = make_course(MANIFEST)
    _, path = export(course, course_dir=tmp_path, out=tmp_path / "out" / "g.csv")
    assert read_rows(path) == [["student", "demo", "hub", "total", "max"]]


def test_cli_export(graded: tuple[Course, Path], capsys: pytest.CaptureFixture[str],
                    monkeypatch: pytest.MonkeyPatch) -> None:
    course, course_dir = graded
    monkeypatch.setenv("COLUMNS", "400")  # rich wraps long paths at the terminal's width
    out = course_dir / "grades" / "all.csv"
    status = main(["export", "--course", str(course.root), "--course-dir", str(course_dir),
                   "--out", str(out)])
    assert status == 0
    printed = capsys.readouterr().out
    assert "4 student(s)" in printed and "hist-hub.png" in printed
    assert (out.parent / "hist-demo.png").is_file()
    assert main(["export", "--course", str(course.root), "--course-dir",
                 str(course_dir / "missing")]) == 1


@pytest.mark.slow
def test_notebook_grades_from_nbgrader_reach_the_export(released_demo) -> None:
    """Grade two submissions of the released demo notebook with nbgrader, export them."""
    import nbformat

    demo_course, out, course_dir = released_demo
    answers = {"alice": "    return [i * i for i in range(n)]", "bob": "    return []"}
    for student, body in answers.items():
        notebook = nbformat.read(out / "demo" / "demo.ipynb", as_version=4)
        cell = notebook.cells[1]
        assert "raise NotImplementedError()" in cell.source
        cell.source = cell.source.replace("    # YOUR CODE HERE\n    raise NotImplementedError()",
                                          body)
        (course_dir / "submitted" / student / "demo").mkdir(parents=True)
        nbformat.write(notebook, course_dir / "submitted" / student / "demo" / "demo.ipynb")
    root = str(demo_course.root)
    # Grading runs Jupyter kernels: in a child process, as an instructor would run it.
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", "demo", "--course", root, "--course-dir",
         str(course_dir)], capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert main(["export", "--course", root, "--course-dir", str(course_dir), "--no-plots"]) == 0
    assert read_rows(course_dir / "grades.csv") == [
        ["student", "demo", "total", "max"], ["alice", "3", "3", "3"], ["bob", "0", "0", "3"],
    ]
