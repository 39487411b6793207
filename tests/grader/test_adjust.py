"""Adjustments and the late policy: `grader.adjust` and `grader adjust`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from grader.__main__ import main
from grader.adjust import add_adjustment, final_grade, read_adjustments, submitted_at
from grader.errors import AdjustError, CourseError
from grader.results import atomic_write_json, make_result, read_result, results_path

MANIFEST = """
[course]
id = "demo-course"

[late]
penalty_per_day = 10
max_penalty = 30
grace_minutes = 15

[[assignment]]
name = "hub"
kind = "notebook"
points = 50
deadline = 2026-12-11T23:59:00Z
[assignment.extensions]
ana = 2026-12-14T23:59:00+01:00
ben = 2
"""


def write_result(course_dir: Path, student: str, score: float, status: str = "graded") -> dict:
    """A results.json worth `score` of 50, as the grader writes it."""
    tests = [{"name": "hub.ipynb::test_all", "visibility": "public", "points": 50.0,
              "earned": score, "passed": score == 50.0, "hint": None, "duration": 0.1,
              "message": None}]
    result = make_result(student=student, assignment="hub", kind="notebook", tests=tests,
                         feedback=[], submission_sha256="0" * 64, suite_version="1",
                         max_score=50, status=status)
    atomic_write_json(results_path(course_dir, student, "hub"), result)
    return result


def hand_in(course_dir: Path, student: str, when: str) -> None:
    """A submission folder with nbgrader's timestamp.txt."""
    folder = course_dir / "submitted" / student / "hub"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "timestamp.txt").write_text(when + "\n")


@pytest.fixture
def course(make_course):
    return make_course(MANIFEST)


def test_a_grade_on_time_is_the_autograded_score_plus_the_adjustments(course, tmp_path: Path):
    result = write_result(tmp_path, "cleo", 40)
    hand_in(tmp_path, "cleo", "2026-12-12 00:10:00.000000 UTC")  # inside the 15-minute grace
    add_adjustment(tmp_path, "cleo", "hub", -5, "the key is in the code", by="teacher")
    add_adjustment(tmp_path, "cleo", "hub", 2.5, "  test_all   failed on our side ")
    grade = final_grade(course, tmp_path, result)
    assert (grade.autograded, grade.adjusted, grade.late, grade.final) == (40, -2.5, None, 37.5)
    assert [a["reason"] for a in grade.adjustments] == ["the key is in the code",
                                                        "test_all failed on our side"]
    assert read_result(results_path(tmp_path, "cleo", "hub")) == result  # never changed


@pytest.mark.parametrize(("student", "when", "days", "points"), [
    ("dan", "2026-12-12 00:14:00.000000 UTC", None, 0),     # 23:59 + 15 minutes of grace
    ("dan", "2026-12-12 00:14:01.000000 UTC", 1, -5),       # 10 % of 50, one started day
    ("dan", "2026-12-13 23:00:00.000000 UTC", 2, -10),
    ("dan", "2026-12-25 12:00:00.000000 UTC", 14, -15),     # capped at 30 %
    ("ana", "2026-12-14 22:00:00.000000 UTC", None, 0),     # her own deadline, 23:59 in +01:00
    ("ana", "2026-12-15 09:00:00.000000 UTC", 1, -5),
    ("ben", "2026-12-13 23:59:00.000000 UTC", None, 0),     # two days more
    ("ben", "2026-12-14 01:00:00.000000 UTC", 1, -5),
])
def test_the_late_penalty_follows_the_policy_and_the_extensions(course, tmp_path: Path,
                                                               student, when, days, points):
    result = write_result(tmp_path, student, 45)
    hand_in(tmp_path, student, when)
    grade = final_grade(course, tmp_path, result)
    assert (grade.late or {}).get("days_late") == days
    assert grade.late_points == points and grade.final == 45 + points


def test_the_final_grade_stays_between_zero_and_the_maximum(course, tmp_path: Path):
    result = write_result(tmp_path, "eve", 48)
    add_adjustment(tmp_path, "eve", "hub", 10, "bonus for the write-up")
    assert final_grade(course, tmp_path, result).final == 50
    add_adjustment(tmp_path, "eve", "hub", -100, "handed in someone else's work")
    assert final_grade(course, tmp_path, result).final == 0


def test_no_timestamp_means_no_late_penalty_and_the_time_is_read_in_both_formats(tmp_path):
    assert submitted_at(tmp_path, "fay", "hub") is None
    hand_in(tmp_path, "fay", "2026-12-01T10:00:00+02:00")
    assert submitted_at(tmp_path, "fay", "hub") == datetime(2026, 12, 1, 8, tzinfo=UTC)


def test_an_adjustment_needs_a_reason_and_a_number(tmp_path: Path):
    with pytest.raises(AdjustError, match="--reason"):
        add_adjustment(tmp_path, "gus", "hub", 5, "   ")
    with pytest.raises(AdjustError, match="--points"):
        add_adjustment(tmp_path, "gus", "hub", float("nan"), "why not")
    assert read_adjustments(tmp_path, "gus", "hub") == []


def test_a_broken_adjustments_file_is_named(tmp_path: Path):
    path = tmp_path / "autograded" / "hal" / "hub" / "adjustments.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"adjustments": [{"reason": "no points"}]}')
    with pytest.raises(AdjustError, match=str(path)):
        read_adjustments(tmp_path, "hal", "hub")


@pytest.mark.parametrize(("late", "message"), [
    ("[late]\npenalty_per_day = 120\n", "penalty_per_day must be a percent"),
    ("[late]\nper_day = 10\n", "unknown key"),
    ("[late]\ngrace_minutes = -1\n", "grace_minutes must be a number >= 0"),
])
def test_a_wrong_late_policy_is_refused(make_course, late: str, message: str):
    with pytest.raises(CourseError, match=message):
        make_course('[course]\nid = "c"\n' + late)


@pytest.mark.parametrize(("deadline", "message"), [
    ("2026-12-11T23:59:00", "time and time zone"),
    ("2026-12-11", "time and time zone"),
    ('"2026-12-11T23:59:00Z"', "without quotes"),
])
def test_a_deadline_needs_its_time_zone(make_course, deadline: str, message: str):
    manifest = f'[course]\nid = "c"\n[[assignment]]\nname = "a"\nkind = "notebook"\n' \
               f"deadline = {deadline}\n"
    with pytest.raises(CourseError, match=message):
        make_course(manifest)


def test_cli_adjusts_shows_the_grade_and_writes_the_feedback_page_again(
        course, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    course_dir = tmp_path / "class"
    write_result(course_dir, "ivy", 30)
    hand_in(course_dir, "ivy", "2026-12-12 09:00:00.000000 UTC")
    args = ["adjust", "hub", "ivy", "--course", str(course.root), "--course-dir", str(course_dir)]
    assert main([*args, "--points", "4", "--reason", "found the bug in test_all", "--by",
                 "sam"]) == 0
    out = capsys.readouterr().out
    assert "found the bug in test_all" in out and "+4" in out and "-5" in out
    assert "29 / 50" in out  # 30 + 4 - 5 (one day late)
    stored = json.loads((course_dir / "autograded/ivy/hub/adjustments.json").read_text())
    assert [(a["points"], a["by"]) for a in stored["adjustments"]] == [(4.0, "sam")]
    page = (course_dir / "feedback/ivy/hub/index.html").read_text()
    assert "found the bug in test_all" in page

    assert main([*args, "--reason", "regrade asked for; the grade stands"]) == 0
    assert "+0" in capsys.readouterr().out
    assert main(args) == 0  # no --points, no --reason: show the grade only
    assert len(read_adjustments(course_dir, "ivy", "hub")) == 2


def test_cli_refuses_points_without_a_reason_and_a_student_not_graded(
        course, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    write_result(tmp_path, "jo", 30)
    base = ["--course", str(course.root), "--course-dir", str(tmp_path)]
    assert main(["adjust", "hub", "jo", "--points", "3", *base]) == 1
    assert "--reason" in capsys.readouterr().err
    assert main(["adjust", "hub", "nobody", "--points", "3", "--reason", "x", *base]) == 1
    assert "grader grade hub --student nobody" in " ".join(capsys.readouterr().err.split())
    assert read_adjustments(tmp_path, "jo", "hub") == []
