"""course.toml: it loads, it is checked, and each project's points match its contract suite."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader.course import Course, load_course
from grader.errors import CourseError, GraderError

REPO = Path(__file__).resolve().parents[1]
COURSE = load_course(REPO)
PROJECTS = [a for a in COURSE.assignments.values() if a.is_project]


def contract_points(framework: str, contract: Path, results: Path) -> float:
    """Sum the points markers of every public and hidden contract test, by collecting them."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-p", "grader.plugin", "--grader-results", str(results), "--backend", framework,
         str(contract / "tests"), str(contract / "hidden")],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    document = json.loads(results.read_text(encoding="utf-8"))
    assert not document["collect_errors"]
    return sum(test["points"] for test in document["tests"])


def test_the_course_loads() -> None:
    assert COURSE.id == "blink-to-backend"
    assert COURSE.root == REPO
    assert "flask-hub" in COURSE.assignments


@pytest.mark.parametrize("assignment", PROJECTS, ids=lambda a: a.name)
def test_project_paths_exist(assignment) -> None:
    assert (assignment.source / "hub").is_dir()
    assert (assignment.contract / "openapi.yaml").is_file()
    assert assignment.lesson and assignment.framework in ("flask", "django")


@pytest.mark.parametrize("assignment", PROJECTS, ids=lambda a: a.name)
def test_project_points_equal_the_contract_suite(assignment, tmp_path: Path) -> None:
    total = contract_points(assignment.framework, assignment.contract, tmp_path / "tests.json")
    assert total > 0
    assert assignment.points == total, (
        f"set points = {total:g} for {assignment.name} in course.toml (the sum of the contract "
        "tests' points markers, public and hidden)"
    )


@pytest.mark.parametrize("assignment", PROJECTS, ids=lambda a: a.name)
def test_project_stages_are_the_contract_stages_and_each_is_taught(assignment) -> None:
    sys.path.insert(0, str(assignment.contract))
    try:
        from hubcontract import STAGES
    finally:
        sys.path.remove(str(assignment.contract))
    assert [(s.number, s.title) for s in assignment.stages] == sorted(STAGES.items())
    for stage in assignment.stages:
        headings = re.findall(r"^#+ (.+?)\s*$", stage.lesson.read_text(encoding="utf-8"), re.M)
        assert stage.section in headings, (
            f"{stage.lesson.name} has no heading '{stage.section}' (course.toml names it as "
            f"where stage {stage.number} of {assignment.name} is taught)"
        )
    assert assignment.stage_references()[1].startswith("'Project: ")


def test_stages_are_checked(tmp_path: Path) -> None:
    bad = (
        '[[assignment]]\nname = "a"\nkind = "project"\nsource = "s"\ncontract = "c"\n'
        'framework = "flask"\nstages = [{ title = "One" }]\n'
    )
    with pytest.raises(CourseError, match="stage 1 must be a table with exactly lesson, section"):
        load_course(write_manifest(tmp_path, bad))


def write_manifest(tmp_path: Path, assignments: str) -> Path:
    """Write a course.toml with one [course] table and these assignment tables."""
    (tmp_path / "course.toml").write_text(
        f'[course]\nid = "c"\n\n{assignments}', encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("tables", "words"),
    [
        ('[[assignment]]\nname = "A b"\nkind = "notebook"\n', "must be a slug"),
        ('[[assignment]]\nname = "a"\nkind = "lab"\n', "`kind` must be one of"),
        ('[[assignment]]\nname = "a"\nkind = "project"\nframework = "flask"\n', "needs `source`"),
        ('[[assignment]]\nname = "a"\nkind = "notebook"\npoints = -1\n', "`points` must be"),
        ('[[assignment]]\nname = "a"\nkind = "notebook"\ncolour = 1\n', "unknown key"),
        ('[[assignment]]\nname = "a"\nkind = "notebook"\n' * 2, "listed twice"),
        ("[[assignment]\n", "not valid TOML"),
    ],
    ids=["bad-name", "bad-kind", "no-source", "negative-points", "unknown-key", "twice",
         "bad-toml"],
)
def test_a_bad_manifest_names_the_file(tmp_path: Path, tables: str, words: str) -> None:
    root = write_manifest(tmp_path, tables)
    with pytest.raises(CourseError, match=words) as error:
        load_course(root)
    assert str(root / "course.toml") in str(error.value)


def test_unknown_assignment_lists_the_known_ones() -> None:
    with pytest.raises(CourseError, match=r"No assignment 'nope' .*known: 01-serial, .*flask-hub"):
        COURSE.get("nope")
    assert issubclass(CourseError, GraderError) and issubclass(CourseError, ValueError)


def test_a_notebook_defaults_to_its_folder_under_notebooks(tmp_path: Path) -> None:
    course: Course = load_course(
        write_manifest(tmp_path, '[[assignment]]\nname = "blink"\nkind = "notebook"\n'))
    blink = course.get("blink")
    assert blink.source == tmp_path / "notebooks" / "blink"
    assert blink.contract is None and blink.points is None


def test_the_stage_table_of_the_contract_page_matches_the_suite(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "tests"))
    from checkpoint_matrix import collect, stage_rows

    records = collect("flask", REPO / "starter" / "contract", tmp_path / "records.json")
    page = (REPO / "lessons" / "contract.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| (\d) \| \*\*[^|]+\*\* \| (\d+) \| (\d+) \| (\d+) \|$", page, re.M)
    assert [tuple(map(int, row)) for row in table] == stage_rows(records), (
        "update the stage table in lessons/contract.md: (stage, public, hidden, points) = "
        f"{stage_rows(records)}"
    )
