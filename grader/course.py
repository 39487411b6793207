"""Read the course manifest, course.toml.

    [course]
    id = "blink-to-backend"
    title = "Blink to Backend"

    [[assignment]]
    name = "flask-hub"          # a slug; also the nbgrader assignment id
    kind = "project"            # "notebook" | "project"
    title = "The hub in Flask"
    points = 60                 # optional: the assignment's total
    source = "starter/flask"    # project: the starter; notebook: default notebooks/<name>
    contract = "starter/contract"   # project only: the contract suite
    framework = "flask"         # project only: "flask" | "django"
    lesson = "lessons/06-flask-hub.md" # optional: where a student reads about it
    stages = [                  # project only, optional: the steps it is climbed in, in order
      { title = "Health and devices", lesson = "lessons/06-flask-hub-stage-1.md",
        section = "Stage 1: health and devices" },
      ...
    ]

    deadline = 2026-12-11T23:59:00Z # optional: when it is due (with its time zone)
    [assignment.extensions]     # optional, per student: a new deadline, or days added
    ana = 2026-12-14T23:59:00Z
    ben = 3

    [late]                      # optional: the late policy (grader/adjust.py applies it)
    penalty_per_day = 10        # percent of the assignment's points, per day or part of one
    max_penalty = 50            # percent: the most lateness can take (default 100)
    grace_minutes = 15          # minutes past the deadline still on time (default 0)

    [grading.intake]            # optional: what one submission may hold (these are the defaults)
    max_depth = 32              # directories nested inside it
    max_files = 2000            # files and symbolic links (caches such as __pycache__ aside)
    max_bytes = 50_000_000      # bytes in all its files

Paths in the manifest are relative to the directory holding course.toml. A stage's
`lesson` and `section` say where it is taught: the stubs of the released starter name them
("see the lesson 'The hub in Flask', section 'Stage 1: health and devices'"), and
tests/test_course.py checks that the page has that heading.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from grader.errors import CourseError
from grader.trees import IntakeLimits

__all__ = ["Assignment", "Course", "LatePolicy", "Stage", "find_course_root", "load_course",
           "page_title"]

MANIFEST = "course.toml"
KINDS = ("notebook", "project")
FRAMEWORKS = ("flask", "django")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_KNOWN_KEYS = {
    "name", "kind", "title", "points", "source", "contract", "framework", "lesson", "stages",
    "deadline", "extensions",
}
_LATE_KEYS = ("penalty_per_day", "max_penalty", "grace_minutes")
_STAGE_KEYS = {"title", "lesson", "section"}
_INTAKE_KEYS = ("max_depth", "max_files", "max_bytes")


@dataclass(frozen=True)
class Stage:
    """One step of a project: its number (from 1), title, and where it is taught."""

    number: int
    title: str
    lesson: Path
    section: str

    def reference(self) -> str:
        """Where the stage is taught, as a stub's message says it: 'Page', section 'Heading'."""
        return f"'{page_title(self.lesson)}', section '{self.section}'"


def page_title(page: Path) -> str:
    """The title of a lesson page: its front matter's `title:`, else its first `# ` heading."""
    try:
        text = page.read_text(encoding="utf-8")
    except OSError:
        return page.stem
    front = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    if front:
        title = re.search(r"^title:\s*(.+)$", front[1], re.MULTILINE)
        if title:
            return title[1].strip().strip("'\"")
    heading = re.search(r"^# (.+)$", text, re.MULTILINE)
    return heading[1].strip() if heading else page.stem


@dataclass(frozen=True)
class Assignment:
    """One assignment of the course, with its paths made absolute."""

    name: str
    kind: Literal["notebook", "project"]
    title: str
    points: float | None
    source: Path | None
    contract: Path | None
    framework: str | None
    lesson: str | None
    stages: tuple[Stage, ...] = ()
    deadline: datetime | None = None
    #: student -> a new deadline, or days added to the assignment's
    extensions: dict[str, datetime | float] = field(default_factory=dict)

    @property
    def is_project(self) -> bool:
        """True for a starter project graded by the contract suite."""
        return self.kind == "project"

    def stage_references(self) -> dict[int, str]:
        """Stage number -> where it is taught, for the messages of the stubs."""
        return {stage.number: stage.reference() for stage in self.stages}


@dataclass(frozen=True)
class LatePolicy:
    """``[late]``: percent of an assignment's points taken per day (or part of a day) late,
    the most that can be taken, and the minutes past a deadline that still count."""

    penalty_per_day: float = 0.0
    max_penalty: float = 100.0
    grace_minutes: float = 0.0


@dataclass(frozen=True)
class Course:
    """The course: its root directory, id, title, assignments in manifest order, and the
    limits a submission is copied in within (``[grading.intake]``)."""

    root: Path
    id: str
    title: str
    assignments: dict[str, Assignment]
    intake: IntakeLimits = IntakeLimits()
    late: LatePolicy = LatePolicy()

    def get(self, name: str) -> Assignment:
        """Return the assignment called `name`, or raise CourseError listing the known ones."""
        try:
            return self.assignments[name]
        except KeyError:
            known = ", ".join(self.assignments) or "none"
            raise CourseError(
                f"No assignment {name!r} in {self.root / MANIFEST} (known: {known})."
            ) from None

    def select(self, names: list[str] | None = None) -> list[Assignment]:
        """Return the named assignments (all of them when `names` is empty), in order."""
        if not names:
            return list(self.assignments.values())
        return [self.get(name) for name in names]


def find_course_root(start: Path | None = None) -> Path:
    """Return the nearest directory at or above `start` (or the repo) holding course.toml."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / MANIFEST).is_file():
            return candidate
    package_repo = Path(__file__).resolve().parents[1]
    if (package_repo / MANIFEST).is_file():
        return package_repo
    raise CourseError(
        f"No {MANIFEST} found in {here} or its parents; run from the course repository "
        "or pass its path."
    )


def load_course(root: Path | None = None) -> Course:
    """Read <root>/course.toml (root default: the course repository) into a Course."""
    root = Path(root).resolve() if root is not None else find_course_root()
    path = root / MANIFEST
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"No course manifest at {path}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise CourseError(f"{path} is not valid TOML: {exc}") from None
    meta = data.get("course")
    if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
        raise CourseError(f"{path} needs a [course] table with an `id` string.")
    assignments: dict[str, Assignment] = {}
    for index, entry in enumerate(data.get("assignment", [])):
        assignment = _parse_assignment(entry, root=root, where=f"{path}, assignment #{index + 1}")
        if assignment.name in assignments:
            raise CourseError(f"{path}: assignment {assignment.name!r} is listed twice.")
        assignments[assignment.name] = assignment
    return Course(root=root, id=meta["id"], title=str(meta.get("title", meta["id"])),
                  assignments=assignments, intake=_parse_intake(data.get("grading"), path),
                  late=_parse_late(data.get("late"), path))


def _parse_late(late: Any, path: Path) -> LatePolicy:
    """Read ``[late]``: numbers, each optional; percentages between 0 and 100."""
    if late is None:
        return LatePolicy()
    if not isinstance(late, dict):
        raise CourseError(f"{path}: [late] must be a table.")
    _refuse_unknown_keys(late, _LATE_KEYS, f"{path}: [late]")
    for key, value in late.items():
        top = None if key == "grace_minutes" else 100
        if (isinstance(value, bool) or not isinstance(value, int | float) or value < 0
                or (top is not None and value > top)):
            limit = "a number >= 0" if top is None else "a percent from 0 to 100"
            raise CourseError(f"{path}: [late] {key} must be {limit}, not {value!r}.")
    return LatePolicy(**{key: float(value) for key, value in late.items()})


def _parse_deadline(value: Any, where: str) -> datetime | None:
    """A TOML date-time with its zone (``2026-12-11T23:59:00Z``), or None when unset."""
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    example = "2026-12-11T23:59:00Z (UTC) or 2026-12-11T23:59:00+01:00"
    if isinstance(value, datetime | date):
        raise CourseError(f"{where}: give the deadline's time and time zone, as in {example}, "
                          f"not {value.isoformat()}.")
    raise CourseError(f"{where}: a deadline is a TOML date-time without quotes, as in "
                      f"{example}, not {value!r}.")


def _parse_extensions(value: Any, where: str) -> dict[str, datetime | float]:
    """``[assignment.extensions]``: student = a new deadline, or a number of days added."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CourseError(f"{where}: `extensions` must be a table of student = deadline or days.")
    extensions: dict[str, datetime | float] = {}
    for student, given in value.items():
        if isinstance(given, int | float) and not isinstance(given, bool) and given >= 0:
            extensions[student] = float(given)
        else:
            deadline = _parse_deadline(given, f"{where}, extension of {student}")
            assert deadline is not None
            extensions[student] = deadline
    return extensions


def _parse_intake(grading: Any, path: Path) -> IntakeLimits:
    """Read ``[grading.intake]``: positive integers, each optional."""
    if grading is None:
        return IntakeLimits()
    intake = grading.get("intake", {}) if isinstance(grading, dict) else None
    if not isinstance(intake, dict):
        raise CourseError(f"{path}: [grading.intake] must be a table.")
    _refuse_unknown_keys(intake, _INTAKE_KEYS, f"{path}: [grading.intake]")
    for key, value in intake.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise CourseError(f"{path}: [grading.intake] {key} must be a whole number >= 1, "
                              f"not {value!r}.")
    return IntakeLimits(**intake)


def _refuse_unknown_keys(table: dict[str, Any], known: Iterable[str], where: str) -> None:
    """A key the manifest does not know is most likely a typo: name it, and the known ones."""
    unknown = set(table) - set(known)
    if unknown:
        raise CourseError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} "
                          f"(known: {', '.join(sorted(known))}).")


def _parse_assignment(entry: Any, *, root: Path, where: str) -> Assignment:
    """Check one [[assignment]] table and build its Assignment."""
    if not isinstance(entry, dict):
        raise CourseError(f"{where}: expected a table.")
    _refuse_unknown_keys(entry, _KNOWN_KEYS, where)
    name = entry.get("name")
    if not isinstance(name, str) or not _SLUG.match(name):
        raise CourseError(f"{where}: `name` must be a slug (lowercase letters, digits, - and _).")
    where = f"{where} ({name})"
    kind = entry.get("kind")
    if kind not in KINDS:
        raise CourseError(f"{where}: `kind` must be one of {', '.join(KINDS)}, not {kind!r}.")
    return Assignment(
        name=name,
        kind=kind,
        title=str(entry.get("title", name)),
        points=_parse_points(entry.get("points"), where),
        source=_source_path(entry, root=root, where=where),
        contract=_project_path(entry, "contract", root=root, where=where),
        framework=_parse_framework(entry, where),
        lesson=entry.get("lesson"),
        stages=_parse_stages(entry, root=root, where=where),
        deadline=_parse_deadline(entry.get("deadline"), where),
        extensions=_parse_extensions(entry.get("extensions"), where),
    )


def _parse_stages(entry: dict[str, Any], *, root: Path, where: str) -> tuple[Stage, ...]:
    """Check a project's `stages` list and build its Stages, numbered from 1."""
    value = entry.get("stages", [])
    if value and entry["kind"] != "project":
        raise CourseError(f"{where}: `stages` are for project assignments only.")
    if not isinstance(value, list):
        raise CourseError(f"{where}: `stages` must be a list of tables.")
    stages = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict) or set(item) != _STAGE_KEYS:
            raise CourseError(
                f"{where}: stage {number} must be a table with exactly "
                f"{', '.join(sorted(_STAGE_KEYS))}."
            )
        if not all(isinstance(item[key], str) and item[key] for key in _STAGE_KEYS):
            raise CourseError(f"{where}: stage {number}: title, lesson and section are text.")
        stages.append(
            Stage(number, item["title"], (root / item["lesson"]).resolve(), item["section"])
        )
    return tuple(stages)


def _parse_points(value: Any, where: str) -> float | None:
    """Return the points as a float, or None when unset."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise CourseError(f"{where}: `points` must be a number >= 0, not {value!r}.")
    return float(value)


def _source_path(entry: dict[str, Any], *, root: Path, where: str) -> Path:
    """Return the assignment's source: the starter, or the notebooks' directory."""
    if entry["kind"] == "notebook":
        return (root / entry.get("source", f"notebooks/{entry['name']}")).resolve()
    path = _project_path(entry, "source", root=root, where=where)
    assert path is not None
    return path


def _project_path(entry: dict[str, Any], key: str, *, root: Path, where: str) -> Path | None:
    """Return a project's required path `key`, absolute; None for notebooks."""
    if entry["kind"] != "project":
        if key == "contract" and key in entry:
            raise CourseError(f"{where}: `contract` is for project assignments only.")
        return None
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise CourseError(f"{where}: a project needs `{key}`, a path relative to course.toml.")
    return (root / value).resolve()


def _parse_framework(entry: dict[str, Any], where: str) -> str | None:
    """Return the project's framework, checked; None for notebooks."""
    framework = entry.get("framework")
    if entry["kind"] != "project":
        return framework
    if framework not in FRAMEWORKS:
        raise CourseError(f"{where}: `framework` must be one of {', '.join(FRAMEWORKS)}.")
    return framework
