"""`grader export --format ...`: final grades in the gradebook CSVs, Canvas, Gradescope.

One course directory built by hand: a project with stages and a late policy, a notebook,
an adjustment file, submission times, and results of every status.
"""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

import pytest

from grader.__main__ import main
from grader.course import Course
from grader.errors import ExportError
from grader.export import (
    collect,
    export,
    read_canvas_roster,
    write_canvas,
    write_detail_csv,
    write_gradescope,
)
from grader.nbconfig import gradebook_url, scripts_on_path

MANIFEST = """
    [course]
    id = "formats-demo"

    [late]
    penalty_per_day = 10
    max_penalty = 50

    [[assignment]]
    name = "hub"
    kind = "project"
    title = "The hub"
    points = 10
    source = "starter"
    contract = "contract"
    framework = "flask"
    deadline = 2026-12-11T23:59:00Z
    stages = [
      { title = "Health", lesson = "lessons/hub-1.md", section = "Stage 1: health" },
      { title = "Readings", lesson = "lessons/hub-2.md", section = "Stage 2: readings" },
    ]

    [[assignment]]
    name = "demo"
    kind = "notebook"
    title = "Squares"
    points = 3
"""

# alice's hub: stage 1 passed (4 points), stage 2 half passed (3 of 6): 7 of 10.
ALICE_TESTS = [
    {"name": "tests/test_health.py::test_health", "visibility": "public", "points": 2.0,
     "earned": 2.0, "passed": True, "outcome": "passed", "hint": "GET /health", "stage": 1,
     "stage_title": "Health", "duration": 0.1, "message": None},
    {"name": "tests/test_devices.py::test_list", "visibility": "public", "points": 2.0,
     "earned": 2.0, "passed": True, "outcome": "passed", "hint": None, "stage": 1,
     "stage_title": "Health", "duration": 0.1, "message": None},
    {"name": "tests/test_readings.py::test_post", "visibility": "public", "points": 3.0,
     "earned": 0.0, "passed": False, "outcome": "failed", "hint": "Answer 201 with the reading",
     "stage": 2, "stage_title": "Readings", "duration": 0.2,
     "message": "expected 201, got 500"},
    {"name": "hidden/test_readings_hidden.py::test_order", "visibility": "hidden",
     "points": 3.0, "earned": 3.0, "passed": True, "outcome": "passed", "hint": None,
     "stage": 2, "stage_title": "Readings", "duration": 0.2, "message": None},
]
# A gradebook as Canvas exports it (Grades > Export): a BOM, the Points Possible row, the
# computed columns at the end, and the Student View's test student.
ROSTER = """\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,\
The hub (4411),Quiz 1 (4412),Current Score,Final Score
    Points Possible,,,,,10,5,(read only),(read only)
"Anders, Alice",101,S001,alice,IOT101,,,,
"Brown, Bob",102,S002,BOB,IOT101,,,,
"Carter, Carol",103,carol,c.carter,IOT101,,,,
"Ek, Erin",104,S004,erin,IOT101,,,,
"Zed, Zoe",109,S009,zoe,IOT101,,,,
"Student, Test",999,,,IOT101,,,,
"""
GRADESCOPE_TOP = {"score", "execution_time", "output", "output_format", "test_output_format",
                  "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
                  "leaderboard"}
GRADESCOPE_TEST = {"score", "max_score", "status", "name", "name_format", "number", "output",
                   "output_format", "tags", "visibility", "extra_data"}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


def write_result(course_dir: Path, student: str, assignment: str, *, score: float,
                 max_score: float, status: str = "graded", tests: list | None = None,
                 feedback: list | None = None) -> None:
    """A results.json as the grader leaves it."""
    path = course_dir / "autograded" / student / assignment / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "student": student, "assignment": assignment, "kind": "project", "status": status,
        "score": score, "max_score": max_score, "tests": tests or [],
        "feedback": feedback or [], "duration": 12.4}), encoding="utf-8")


def hand_in(course_dir: Path, student: str, assignment: str, when: str) -> None:
    """A submission folder with nbgrader's timestamp.txt."""
    folder = course_dir / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "timestamp.txt").write_text(f"{when}\n", encoding="utf-8")


@pytest.fixture
def graded(make_course, tmp_path: Path) -> tuple[Course, Path]:
    """The course, and a course directory with a grade of every kind."""
    course = make_course(MANIFEST)
    course_dir = tmp_path / "course-dir"
    write_result(course_dir, "alice", "hub", score=7, max_score=10, tests=ALICE_TESTS)
    (course_dir / "autograded" / "alice" / "hub" / "adjustments.json").write_text(json.dumps(
        {"adjustments": [
            {"points": -1.0, "reason": "the key is in the README", "by": "t", "at": "x"},
            {"points": 0.5, "reason": "test_post failed on our side", "by": "t", "at": "y"},
        ]}), encoding="utf-8")
    hand_in(course_dir, "alice", "hub", "2026-12-13 10:00:00.000000 UTC")  # 2 started days
    write_result(course_dir, "bob", "hub", score=0, max_score=10, status="needs attention",
                 feedback=["No wsgi.py at the top of your submission: hand in the folder "
                           "that holds it."])
    hand_in(course_dir, "bob", "hub", "2026-12-11 20:00:00.000000 UTC")
    write_result(course_dir, "carol", "hub", score=10, max_score=10)
    hand_in(course_dir, "carol", "hub", "2026-12-11 20:00:00.000000 UTC")
    write_result(course_dir, "carol", "demo", score=3, max_score=3)
    hand_in(course_dir, "dave", "hub", "2026-12-11 21:00:00.000000 UTC")  # not graded yet
    write_result(course_dir, "erin", "hub", score=0, max_score=10, status="error")
    return course, course_dir


def read_rows(path: Path) -> list[list[str]]:
    """The CSV's rows."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_gradebook_shows_final_grades_and_statuses(graded: tuple[Course, Path]) -> None:
    course, course_dir = graded
    book, path = export(course, course_dir=course_dir)
    assert read_rows(path) == [
        ["student", "hub", "demo", "total", "max"],
        ["alice", "4.5", "", "4.5", "13"],          # 7 - 1 + 0.5, then 2 days late: -2
        ["bob", "needs attention", "", "0", "13"],
        ["carol", "10", "3", "13", "13"],
        ["dave", "", "", "0", "13"],
        ["erin", "error", "", "0", "13"],
    ]
    assert book.column("hub") == [4.5, 10.0]     # needs attention and error are not grades
    assert book.not_graded("hub") == 2


def test_detail_csv_explains_each_grade(graded: tuple[Course, Path]) -> None:
    course, course_dir = graded
    export(course, course_dir=course_dir)
    rows = read_rows(course_dir / "grades-detail.csv")
    assert rows[0] == ["student", "assignment", "status", "autograded", "adjustments",
                       "late_penalty", "final", "max", "submitted_at", "days_late", "reasons",
                       "stage-1", "stage-2"]
    by_key = {(row[0], row[1]): row for row in rows[1:]}
    assert len(by_key) == 10                      # 5 students x 2 assignments
    assert by_key["alice", "hub"] == [
        "alice", "hub", "graded", "7", "-0.5", "-2", "4.5", "10", "2026-12-13T10:00:00+00:00",
        "2", "the key is in the README | test_post failed on our side", "4", "3"]
    assert by_key["bob", "hub"][2:8] == ["needs attention", "", "0", "0", "", "10"]
    assert by_key["erin", "hub"][2] == "error"
    assert by_key["dave", "hub"][2:9] == ["submitted, not graded", "", "", "", "", "10",
                                          "2026-12-11T21:00:00+00:00"]
    assert by_key["carol", "demo"][2:8] == ["graded", "3", "0", "0", "3", "3"]
    assert by_key["carol", "demo"][11:] == ["", ""]   # a notebook has no stages
    assert by_key["alice", "demo"][2] == "not submitted"


def test_canvas_without_roster_uses_our_ids_as_sis_login(graded: tuple[Course, Path],
                                                         tmp_path: Path) -> None:
    course, course_dir = graded
    report = write_canvas(collect(course, course_dir), tmp_path / "canvas.csv")
    rows = read_rows(tmp_path / "canvas.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "The hub",
                       "Squares"]
    assert rows[1] == ["Points Possible", "", "", "", "", "10", "3"]
    assert rows[2] == ["alice", "", "", "alice", "", "4.5", ""]
    assert [row[3] for row in rows[2:]] == ["alice", "bob", "carol", "dave", "erin"]
    assert report.roster is None and report.new_columns == ["The hub", "Squares"]
    assert report.left_empty == [("bob", "hub", "needs attention"), ("erin", "hub", "error")]


def test_canvas_with_roster_matches_by_sis_ids(graded: tuple[Course, Path],
                                               tmp_path: Path) -> None:
    course, course_dir = graded
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    roster = read_canvas_roster(tmp_path / "roster.csv")
    assert roster.assignments == ["The hub (4411)", "Quiz 1 (4412)"]
    report = write_canvas(collect(course, course_dir), tmp_path / "canvas.csv", roster)
    assert read_rows(tmp_path / "canvas.csv") == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "The hub (4411)",
         "Squares"],
        ["Points Possible", "", "", "", "", "10", "3"],
        ["Anders, Alice", "101", "S001", "alice", "IOT101", "4.5", ""],
        ["Brown, Bob", "102", "S002", "BOB", "IOT101", "", ""],     # login id, any case
        ["Carter, Carol", "103", "carol", "c.carter", "IOT101", "10", "3"],  # SIS User ID
        ["Ek, Erin", "104", "S004", "erin", "IOT101", "", ""],
    ]
    assert report.not_in_roster == ["dave"]
    assert report.not_ours == ["Zed, Zoe (zoe)"]  # the test student is not reported
    assert report.new_columns == ["Squares"]


def test_a_file_that_is_not_a_canvas_export_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("name,email\nAlice,alice@example.org\n", encoding="utf-8")
    with pytest.raises(ExportError, match="does not look like a gradebook exported from Canvas"):
        read_canvas_roster(path)


def test_gradescope_results_follow_the_spec(graded: tuple[Course, Path],
                                            tmp_path: Path) -> None:
    course, course_dir = graded
    files = write_gradescope(collect(course, course_dir), tmp_path / "gradescope")
    assert sorted(p.relative_to(tmp_path / "gradescope").as_posix() for p in files) == [
        "demo/carol/results.json", "hub/alice/results.json", "hub/bob/results.json",
        "hub/carol/results.json", "hub/erin/results.json"]
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert set(document) <= GRADESCOPE_TOP
        assert isinstance(document["score"], float)
        for test in document["tests"]:
            assert set(test) <= GRADESCOPE_TEST
            assert {"name", "score", "max_score", "visibility"} <= set(test)
            assert test["visibility"] in VISIBILITIES and test["status"] in {"passed", "failed"}
    alice = json.loads((tmp_path / "gradescope/hub/alice/results.json").read_text())
    assert alice["score"] == 4.5
    assert "Late by 2 day(s)" in alice["output"] and "Final: 4.5 / 10" in alice["output"]
    public_fail, hidden = alice["tests"][2], alice["tests"][3]
    assert public_fail == {
        "name": "Stage 2: tests/test_readings.py::test_post", "score": 0.0, "max_score": 3.0,
        "status": "failed", "visibility": "visible", "tags": ["stage-2"],
        "output": "Hint: Answer 201 with the reading\n\nexpected 201, got 500"}
    assert hidden["visibility"] == "after_published" and "output" not in hidden
    assert sum(t["score"] for t in alice["tests"]) == 7.0
    bob = json.loads((tmp_path / "gradescope/hub/bob/results.json").read_text())
    assert bob["score"] == 0.0 and bob["tests"] == []
    assert "needs attention" in bob["output"] and "No wsgi.py" in bob["output"]


def test_cli_writes_every_format(graded: tuple[Course, Path], tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    course, course_dir = graded
    monkeypatch.setenv("COLUMNS", "400")  # rich wraps long paths at the terminal's width
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    out = tmp_path / "out"
    status = main(["export", "--course", str(course.root), "--course-dir", str(course_dir),
                   "--format", "all", "--canvas-roster", str(tmp_path / "roster.csv"),
                   "--out", str(out), "--no-plots"])
    assert status == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "canvas.csv", "grades-detail.csv", "grades.csv", "gradescope"]
    assert (out / "gradescope" / "hub" / "alice" / "results.json").is_file()
    printed = capsys.readouterr().out
    assert "5 results.json" in printed
    assert "1 of our student(s) not in the roster, left out: dave" in printed
    assert "1 roster student(s) with no student of ours (no grade written): Zed, Zoe" in printed


def test_cli_default_is_the_gradebook_in_the_course_dir(graded: tuple[Course, Path]) -> None:
    course, course_dir = graded
    assert main(["export", "--course", str(course.root), "--course-dir", str(course_dir),
                 "--no-plots"]) == 0
    assert (course_dir / "grades.csv").is_file() and (course_dir / "grades-detail.csv").is_file()
    assert not (course_dir / "exports").exists()


def test_cli_roster_alone_adds_canvas_into_exports(graded: tuple[Course, Path],
                                                   tmp_path: Path) -> None:
    course, course_dir = graded
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    assert main(["export", "--course", str(course.root), "--course-dir", str(course_dir),
                 "--canvas-roster", str(tmp_path / "roster.csv"), "--no-plots"]) == 0
    assert (course_dir / "exports" / "canvas.csv").is_file()
    assert (course_dir / "grades.csv").is_file()


def test_cli_mistakes_are_one_line_errors(graded: tuple[Course, Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    course, course_dir = graded
    base = ["export", "--course", str(course.root), "--course-dir", str(course_dir)]
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    assert main([*base, "--format", "gradescope", "--canvas-roster",
                 str(tmp_path / "roster.csv")]) == 1
    assert "--canvas-roster is for the canvas format" in capsys.readouterr().err
    assert main([*base, "--format", "canvas", "--canvas-roster",
                 str(tmp_path / "missing.csv")]) == 1
    assert "Cannot read the Canvas roster" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*base, "--format", "moodle"])
    assert "unknown format moodle" in capsys.readouterr().err


@pytest.mark.slow
def test_nbgrader_scores_get_adjustments_too(make_course, tmp_path: Path) -> None:
    """A notebook score found only in nbgrader's gradebook is adjusted like any other."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    course = make_course(MANIFEST)
    course_dir = tmp_path / "course-dir"
    course_dir.mkdir()
    with (warnings.catch_warnings(), scripts_on_path(),
          Gradebook(gradebook_url(course_dir), course.id) as gb):
        warnings.filterwarnings("ignore", r"Object of type <Submitted\w+> not in session",
                                SAWarning)
        gb.add_assignment("demo")
        gb.add_notebook("demo", "demo")
        gb.add_grade_cell("test_squares", "demo", "demo", max_score=3, cell_type="code")
        gb.add_student("fay")
        gb.add_submission("demo", "fay")
        gb.find_grade("test_squares", "demo", "demo", "fay").auto_score = 2
        gb.db.commit()
    adjustments = course_dir / "autograded" / "fay" / "demo" / "adjustments.json"
    adjustments.parent.mkdir(parents=True)
    adjustments.write_text(json.dumps({"adjustments": [
        {"points": 0.5, "reason": "a typo in the question", "by": "t", "at": "x"}]}))
    book = collect(course, course_dir)
    write_detail_csv(book, tmp_path / "detail.csv")
    row = [r for r in read_rows(tmp_path / "detail.csv") if r[:2] == ["fay", "demo"]][0]
    assert row[2:8] == ["graded", "2", "0.5", "0", "2.5", "3"]
