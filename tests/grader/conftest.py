"""Shared fixtures for the grader's tests: the course, a demo notebook course, fake starters."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from grader.course import Course, load_course

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo_course() -> Course:
    """The course of this repository (course.toml at the root)."""
    return load_course(REPO)


@pytest.fixture
def demo_course(tmp_path: Path) -> Course:
    """A copy of the one-notebook demo course in a temporary directory."""
    root = tmp_path / "course"
    shutil.copytree(FIXTURES / "notebook-demo", root)
    return load_course(root)


@pytest.fixture(scope="session")
def released_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Course, Path, Path]:
    """The demo course released once per session: (course, release dir, course dir).

    A release costs nbgrader a new gradebook.db (an alembic run), so tests share one; they
    may add submissions to the course dir but must not change the release.
    """
    from grader.release import release

    base = tmp_path_factory.mktemp("demo")
    shutil.copytree(FIXTURES / "notebook-demo", base / "course")
    course = load_course(base / "course")
    release(course, out=base / "release", course_dir=base / "course-dir")
    return course, base / "release", base / "course-dir"


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write {relative path: dedented text} under root; return root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def write_tree():
    """The write_files helper, as a fixture (test modules here are not a package)."""
    return write_files


@pytest.fixture
def make_course(tmp_path: Path):
    """Build a course in tmp_path from course.toml text and files; return it loaded."""

    def make(manifest: str, files: dict[str, str] | None = None) -> Course:
        root = tmp_path / "made-course"
        write_files(root, {"course.toml": manifest, **(files or {})})
        return load_course(root)

    return make
