"""What the instructors' guide (lessons/instructors/) hands to an instructor holds.

- deploy/jupyterhub/: both files load as traitlets configuration, as JupyterHub and
  nbgrader load them, and set what the course needs (the course id of course.toml, the
  exchange, the groups and the instructors' role); and an assignment released by
  `grader release` goes through nbgrader's exchange with those settings: release, fetch,
  submit and collect, into a course directory `grader grade` reads, with the timestamp.txt
  the late policy reads.
- The course.toml excerpts the guide includes by line numbers are still the lines they
  mean.
- The 12-week schedule's minutes are the lessons' own (`teaching` + `exercises` in each
  lesson's front matter), summed per week, and every lesson is scheduled once.
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from hubtesting import REPO
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from grader.course import load_course

DEPLOY = REPO / "deploy" / "jupyterhub"
GUIDE = REPO / "lessons" / "instructors"
COURSE = load_course(REPO)


def load(path: Path) -> Config:
    """Load a configuration file the way JupyterHub and nbgrader do."""
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def roster(name: str) -> list[str]:
    lines = (DEPLOY / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


# -- deploy/jupyterhub/nbgrader_config.py ------------------------------------------------------


def test_nbgrader_config_names_the_course_and_the_exchange() -> None:
    config = load(DEPLOY / "nbgrader_config.py")
    assert config.CourseDirectory.course_id == COURSE.id
    assert config.Exchange.root == "/srv/nbgrader/exchange"
    assert config.Exchange.timezone == "UTC"
    assert config.ExchangeCollect["update"] is True  # a student's newest submission counts
    ignored = config.CourseDirectory.ignore
    # nbgrader's own defaults are kept, and a project's virtual environment stays home
    for pattern in (".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".venv", ".git"):
        assert pattern in ignored


# -- deploy/jupyterhub/jupyterhub_config.py ----------------------------------------------------


def test_jupyterhub_config_lets_in_the_roster_in_two_groups() -> None:
    config = load(DEPLOY / "jupyterhub_config.py")
    instructors, students = roster("instructors.txt"), roster("students.txt")
    assert instructors and students
    assert config.Authenticator.allowed_users == set(instructors) | set(students)
    groups = config.JupyterHub.load_groups
    assert groups[f"formgrade-{COURSE.id}"] == {"users": instructors}
    assert groups[f"nbgrader-{COURSE.id}"] == {"users": students}
    assert config.Spawner.default_url == "/lab"


def test_instructors_reach_the_students_servers_and_nothing_more() -> None:
    config = load(DEPLOY / "jupyterhub_config.py")
    (role,) = config.JupyterHub.load_roles
    assert role["groups"] == [f"formgrade-{COURSE.id}"]
    students = f"nbgrader-{COURSE.id}"
    assert set(role["scopes"]) == {
        "admin-ui",
        f"list:users!group={students}",
        f"admin:servers!group={students}",
        f"access:servers!group={students}",
    }


def test_a_missing_roster_stops_the_hub_with_a_message(tmp_path: Path) -> None:
    shutil.copy(DEPLOY / "jupyterhub_config.py", tmp_path)
    (tmp_path / "instructors.txt").write_text("Teacher  # the lead\n\n# a comment\nteacher\n")
    with pytest.raises(FileNotFoundError, match="students.txt is missing: write the usernames"):
        load(tmp_path / "jupyterhub_config.py")
    (tmp_path / "students.txt").write_text("Ada\ngrace\n")
    config = load(tmp_path / "jupyterhub_config.py")
    assert config.JupyterHub.load_groups[f"formgrade-{COURSE.id}"] == {"users": ["teacher"]}
    assert config.Authenticator.allowed_users == {"teacher", "ada", "grace"}


# -- the exchange round trip -------------------------------------------------------------------


def exchange_config(tmp_path: Path, course_dir: Path, **student: str) -> Config:
    """deploy's nbgrader_config.py, with the exchange and the course directory in tmp_path."""
    config = load(DEPLOY / "nbgrader_config.py")
    config.Exchange.root = str(tmp_path / "exchange")
    config.CourseDirectory.root = str(course_dir)
    if student:
        config.Exchange.cache = str(tmp_path / "cache" / student["name"])
        config.Exchange.assignment_dir = student["home"]
        config.CourseDirectory.student_id = student["name"]
    return config


def as_student(tmp_path: Path, course_dir: Path, name: str, assignment: str, notes: str) -> None:
    """Fetch `assignment` into the student's home, add `notes` (and a venv), and submit it."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory

    home = tmp_path / "home" / name
    home.mkdir(parents=True, exist_ok=True)
    config = exchange_config(tmp_path, course_dir, name=name, home=str(home))
    exchange = ExchangeFactory(config=config)
    for step in (exchange.fetch_assignment, exchange.submit):
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id = assignment
        step(coursedir=coursedir, authenticator=Authenticator(config=config),
             config=config).start()
        if step is exchange.fetch_assignment:
            (home / assignment / "NOTES.md").write_text(notes)
            (home / assignment / ".venv" / "lib").mkdir(parents=True)
            (home / assignment / ".venv" / "lib" / "big.so").write_bytes(b"\0" * 1024)


@pytest.mark.slow
def test_an_assignment_goes_round_the_exchange_into_the_course_directory(
    tmp_path: Path,
) -> None:
    from nbgrader.apps import NbGraderAPI

    from grader.adjust import submitted_at
    from grader.nbconfig import scripts_on_path
    from grader.release import release

    course_dir = tmp_path / "course"
    names = ["01-serial", "flask-hub"]
    with scripts_on_path():
        release(COURSE, names, out=course_dir / "release", course_dir=course_dir)
        api = NbGraderAPI(config=exchange_config(tmp_path, course_dir))
        for name in names:
            assert api.release_assignment(name)["success"], name
        outbound = tmp_path / "exchange" / COURSE.id / "outbound"
        assert sorted(p.name for p in outbound.iterdir()) == names

        before = datetime.now(UTC).replace(microsecond=0)
        for student in ("ada", "grace"):
            for name in names:
                as_student(tmp_path, course_dir, student, name, f"{student} was here\n")
        for name in names:
            result = api.collect(name)
            assert result["success"], result.get("log")
        # grace hands in again: the next collect takes her newest submission
        shutil.rmtree(tmp_path / "home" / "grace" / "flask-hub")
        as_student(tmp_path, course_dir, "grace", "flask-hub", "grace, second try\n")
        assert api.collect("flask-hub")["success"]

    for student in ("ada", "grace"):
        notebook = course_dir / "submitted" / student / "01-serial" / "01-serial.ipynb"
        assert notebook.is_file()
        project = course_dir / "submitted" / student / "flask-hub"
        notes = "grace, second try\n" if student == "grace" else f"{student} was here\n"
        assert (project / "NOTES.md").read_text() == notes
        assert (project / "wsgi.py").is_file()
        assert not (project / ".venv").exists(), "the exchange leaves a virtual env at home"
        for name in names:
            handed_in = course_dir / "submitted" / student / name
            stamp = (handed_in / "timestamp.txt").read_text().strip()
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} UTC", stamp)
            # the time the late policy reads, and the secret `grader feedback --release` needs
            at = submitted_at(course_dir, student, name)
            assert at is not None and before <= at <= datetime.now(UTC)
            assert (handed_in / "submission_secret.txt").read_text().strip()


# -- what the pages include and count -----------------------------------------------------------

#: A course.toml excerpt included by line numbers, `--8<-- "course.toml:FIRST:LAST"`.
SNIPPET_LINES = re.compile(r'--8<-- "course\.toml:(\d+):(\d+)"')


@pytest.mark.parametrize("page", sorted(GUIDE.glob("*.md")), ids=lambda p: p.name)
def test_course_toml_excerpts_begin_and_end_where_the_page_says(page: Path) -> None:
    """An excerpt by line numbers starts at a table (or its comment) and ends before the next.

    When course.toml grows above an excerpt, this fails: move the numbers to the lines
    the page is about.
    """
    lines = (REPO / "course.toml").read_text().splitlines()
    for match in SNIPPET_LINES.finditer(page.read_text()):
        first, last = int(match.group(1)), int(match.group(2))
        assert 1 <= first <= last <= len(lines)
        head = lines[first - 1]
        assert head.startswith(("[", "#")), f"{page.name}: line {first} is {head!r}"
        after = lines[last] if last < len(lines) else ""
        assert not after.strip() or after.startswith(("[", "#")), (
            f"{page.name}: the excerpt {first}-{last} stops inside a table, before {after!r}")


def lesson_minutes() -> dict[str, int]:
    minutes = {}
    for page in sorted((REPO / "lessons").glob("[0-9][0-9]-*.md")):
        meta = yaml.safe_load(page.read_text().split("---\n")[1])
        minutes[page.name] = meta["teaching"] + meta["exercises"]
    return minutes


def schedule_rows() -> list[tuple[int, list[str], int]]:
    """(week, the lesson pages it links, the minutes it states) for each row of the table."""
    rows = []
    for line in (GUIDE / "schedule.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) > 2 and cells[0].isdigit():
            pages = re.findall(r"\]\(\.\./(\d\d-[\w-]+\.md)\)", cells[1])
            rows.append((int(cells[0]), pages, int(cells[-1])))
    return rows


def test_the_schedule_has_twelve_weeks_and_every_lesson_once() -> None:
    rows = schedule_rows()
    assert [week for week, _, _ in rows] == list(range(1, 13))
    scheduled = [page for _, pages, _ in rows for page in pages]
    assert sorted(scheduled) == sorted(lesson_minutes())
    numbers = [page[:2] for page in scheduled]
    assert numbers == sorted(numbers), "the weeks follow the lessons' order"


def test_the_schedule_minutes_are_the_lessons_minutes() -> None:
    minutes = lesson_minutes()
    for week, pages, stated in schedule_rows():
        assert stated == sum(minutes[page] for page in pages), f"week {week}"
