"""nbgrader, configured for this course.

nbgrader reads `nbgrader_config.py` from its course root. Ours keeps the source notebooks in
`notebooks/<assignment>/` (the repository is the instructor's course). The grader builds
the same configuration in code so that the course repository (sources) and the course
directory (submissions, gradebook.db, autograded/) may be different directories.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from grader.course import Assignment, Course
from grader.errors import ReleaseError

__all__ = ["generate_assignment", "gradebook_url", "nbgrader_config", "scripts_on_path"]

CONFIG_FILE = "nbgrader_config.py"


_path_lock = threading.Lock()
_path_users = 0  # blocks inside scripts_on_path, across threads
_saved: list[str | None] = [None]  # PATH as it was before the first of them


@contextmanager
def scripts_on_path() -> Iterator[None]:
    """Put this interpreter's scripts directory first on PATH while inside the block.

    nbgrader runs the `alembic` command to stamp a new gradebook.db; with `.venv/bin/python
    -m grader` (no activated virtualenv) that command is only found this way. Threads may
    overlap (the site's build releases notebooks in parallel): PATH goes back only when the
    last one leaves.
    """
    global _path_users
    scripts = str(Path(sys.executable).parent)
    with _path_lock:
        if _path_users == 0:
            _saved[:] = [os.environ.get("PATH")]
            os.environ["PATH"] = os.pathsep.join(p for p in (scripts, _saved[0]) if p)
        _path_users += 1
    try:
        yield
    finally:
        with _path_lock:
            _path_users -= 1
            if _path_users == 0:
                if _saved[0] is None:
                    os.environ.pop("PATH", None)
                else:
                    os.environ["PATH"] = _saved[0]


def gradebook_url(course_dir: Path) -> str:
    """The SQLAlchemy URL of nbgrader's gradebook in `course_dir`."""
    return f"sqlite:///{Path(course_dir).resolve() / 'gradebook.db'}"


def nbgrader_config(
    course: Course, *, course_dir: Path | None = None, release_dir: Path | None = None
) -> Config:
    """Return nbgrader's Config: the course's nbgrader_config.py plus our paths."""
    config = _load_file(course.root)
    course_dir = Path(course_dir or Path.cwd()).resolve()
    config.CourseDirectory.root = str(course.root)
    config.CourseDirectory.course_id = course.id
    config.CourseDirectory.db_url = gradebook_url(course_dir)
    if not config.CourseDirectory.get("source_directory"):
        config.CourseDirectory.source_directory = "notebooks"
    if release_dir is not None:
        # An absolute release_directory wins over root in nbgrader's os.path.join.
        config.CourseDirectory.release_directory = str(Path(release_dir).resolve())
    return config


def generate_assignment(
    course: Course, assignment: Assignment, *, release_dir: Path, course_dir: Path | None = None
) -> str:
    """Run nbgrader generate_assignment for `assignment`; return nbgrader's log."""
    from nbgrader.apps import NbGraderAPI

    course_dir = Path(course_dir or Path.cwd()).resolve()
    course_dir.mkdir(parents=True, exist_ok=True)
    config = nbgrader_config(course, course_dir=course_dir, release_dir=release_dir)
    assert assignment.source is not None
    config.CourseDirectory.source_directory = _relative_source(course, assignment)
    # nbgrader's API checks its exchange directory (for handing out over a shared disk,
    # which this course does not use) when it starts: an empty one stops its complaint.
    with tempfile.TemporaryDirectory() as exchange, scripts_on_path():
        config.Exchange.root = exchange
        api = NbGraderAPI(config=config, log=_release_log())
        result = api.generate_assignment(assignment.name, force=True, create=True)
    if not result.get("success"):
        log = (result.get("log") or "") + (result.get("error") or "")
        tail = "\n".join(log.strip().splitlines()[-15:])
        raise ReleaseError(f"nbgrader could not release {assignment.name}:\n{tail}")
    return result.get("log", "")


def _release_log() -> logging.Logger:
    """nbgrader's log of a release: kept in its result (shown when the release fails), on
    the terminal only with `grader -v`. Without a logger of its own, nbgrader logs through
    traitlets' global one, onto the student's terminal at every `make lab` (a CRITICAL
    "Unwritable directory" about an exchange directory nobody here uses among them)."""
    log = logging.getLogger("grader.nbgrader.release")
    log.setLevel(logging.INFO)
    log.propagate = logging.getLogger().isEnabledFor(logging.DEBUG)
    return log


def _relative_source(course: Course, assignment: Assignment) -> str:
    """nbgrader's source_directory for `assignment`: the parent of its notebooks' folder."""
    assert assignment.source is not None
    if assignment.source.name != assignment.name:
        raise ReleaseError(
            f"{assignment.name}: nbgrader needs the notebooks in a folder named after the "
            f"assignment, not {assignment.source}."
        )
    return os.path.relpath(assignment.source.parent, course.root)


def _load_file(root: Path) -> Config:
    """Load <root>/nbgrader_config.py if it exists, else an empty Config."""
    if not (root / CONFIG_FILE).is_file():
        return Config()
    return PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
