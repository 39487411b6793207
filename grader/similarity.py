"""Identical and near-identical submissions: a hint for the class report, not a verdict.

Each submission (``submitted/<student>/<assignment>/``) becomes a set of *units*, each the
sha256 of one piece of normalised content:

- a text file: line endings made ``\\n``, trailing whitespace, blank lines and
  comment-only lines removed (``#`` in Python, TOML, YAML, shell and the like, ``//`` and
  one-line ``/* */`` in JavaScript and CSS, ``--`` in SQL, one-line ``<!-- -->`` and
  ``{# #}`` in HTML templates); a binary file or one over `MAX_TEXT_BYTES`: its bytes;
- a notebook: one unit per cell, its source only (outputs, execution counts and metadata
  never count), normalised like a Python file (a markdown cell: blank lines only).

Left out: nbgrader's ``timestamp.txt``, caches, virtual environments and databases (the
release's `grader.release.IGNORED` and `grader.trees.SKIP_DIRS`), content that normalises
to nothing, and every unit the students were *given*: the released starter (a project, by
`grader.release.checkpoint` stage 0, the very pipeline of ``grader release``) or the
released notebooks (the source notebooks through nbgrader's ClearSolutions and
ClearHiddenTests, the steps of generate_assignment that change cells). Without that,
every untouched file would match. Units are compared by content, not by path: a file moved
or renamed still matches.

Two submissions are *identical* when their sets of student-written units are equal (and
not empty); *near-identical* when they share at least `NEAR_SHARE` of their units
(Jaccard: common / all distinct) and at least `MIN_COMMON` of them.

A project's checkpoints (`reference_units`: the reference solution through stage K, as
``grader checkpoint`` makes it for a student who is stuck) take part as if they were
submissions, so a submission that is a checkpoint handed back is named as such; matches
between checkpoints alone are not listed.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from grader.course import Assignment, Course
from grader.release import IGNORED
from grader.trees import walk

__all__ = [
    "MAX_TEXT_BYTES",
    "MIN_COMMON",
    "NEAR_SHARE",
    "Match",
    "Similarity",
    "Units",
    "compare",
    "given_units",
    "normalise",
    "reference_units",
    "submission_units",
]

NEAR_SHARE = 0.8
MIN_COMMON = 3
MAX_TEXT_BYTES = 5_000_000
TIMESTAMP = "timestamp.txt"

_HASH = re.compile(r"^\s*#")
_SLASHES = re.compile(r"^\s*(//|/\*.*\*/\s*$)")
_BLOCK = re.compile(r"^\s*/\*.*\*/\s*$")
_DASHES = re.compile(r"^\s*--")
_MARKUP = re.compile(r"^\s*(<!--.*-->|\{#.*#\})\s*$")
_COMMENTS: dict[str, re.Pattern[str]] = {
    **dict.fromkeys((".py", ".pyi", ".toml", ".cfg", ".ini", ".yaml", ".yml", ".sh",
                     ".txt", ".conf"), _HASH),
    **dict.fromkeys((".js", ".mjs", ".ts"), _SLASHES),
    **dict.fromkeys((".css",), _BLOCK),
    **dict.fromkeys((".sql",), _DASHES),
    **dict.fromkeys((".html", ".htm", ".jinja", ".j2", ".jinja2"), _MARKUP),
}
_HASH_NAMES = {"Makefile", "Dockerfile", "Procfile", ".gitignore"}

Units = dict[str, str]
"""A submission's units: sha256 of the normalised content -> where it was found."""


@dataclass(frozen=True)
class Match:
    """Students whose written units are alike: identical (share 1.0) or near-identical."""

    students: tuple[str, ...]
    share: float
    common: int
    total: int
    files: tuple[str, ...]
    """Where the common units are, in the first student's submission (a few, sorted)."""


@dataclass
class Similarity:
    """What `compare` found, and what it could not compare."""

    identical: list[Match] = field(default_factory=list)
    near: list[Match] = field(default_factory=list)
    compared: int = 0
    skipped: dict[str, str] = field(default_factory=dict)  # student -> why


def normalise(text: str, suffix: str = ".py") -> str:
    """The text without line-ending, trailing-whitespace, blank-line or comment differences."""
    comment = _COMMENTS.get(suffix)
    lines = (line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n")
             .split("\n"))
    return "\n".join(line for line in lines
                     if line and not (comment is not None and comment.match(line)))


def _digest(data: str | bytes) -> str:
    """sha256 of text (UTF-8) or bytes."""
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def _suffix(path: Path) -> str:
    """The comment style of a file: its suffix, or ".py" for Makefile-like names."""
    return ".py" if path.name in _HASH_NAMES else path.suffix.lower()


def _cell_units(document: Any, label: str) -> Units:
    """One unit per cell of a parsed notebook (its source only)."""
    units: Units = {}
    for number, cell in enumerate(document.get("cells") or [], start=1):
        if not isinstance(cell, dict):
            continue
        source = cell.get("source") or ""
        text = "".join(source) if isinstance(source, list) else str(source)
        kind = ".py" if cell.get("cell_type") == "code" else ".md"
        normal = normalise(text, kind)
        if normal:
            units.setdefault(_digest(f"cell\n{normal}"), f"{label} cell {number}")
    return units


def file_units(path: Path, label: str) -> Units:
    """The units of one file: a notebook's cells, or the file's normalised content."""
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        return {digest.hexdigest(): label}
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return {_digest(data): label}
    if path.suffix == ".ipynb":
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            document = None
        if isinstance(document, dict) and isinstance(document.get("cells"), list):
            return _cell_units(document, label)
    normal = normalise(text, _suffix(path))
    return {_digest(normal): label} if normal else {}


def _ignored(rel: str) -> bool:
    """True for a cache, virtual environment, database or nbgrader's timestamp.txt."""
    parts = rel.split("/")
    return rel == TIMESTAMP or any(fnmatch.fnmatch(part, pattern)
                                   for part in parts for pattern in IGNORED)


def tree_units(root: Path, *, max_files: int = 2000, max_depth: int = 32) -> Units:
    """The units of every file under root (caches and the like left out).

    Raises ValueError past ``max_files`` files or ``max_depth`` directories: such a tree
    is not compared (the course's intake limits refuse it for grading too).
    """
    units: Units = {}
    count = 0
    for rel, info, depth in walk(root, max_depth=max_depth):
        if depth > max_depth:
            raise ValueError(f"nested more than {max_depth} directories deep")
        if not stat.S_ISREG(info.st_mode) or _ignored(rel):
            continue
        count += 1
        if count > max_files:
            raise ValueError(f"more than {max_files} files")
        for digest, label in file_units(root / rel, rel).items():
            units.setdefault(digest, label)
    return units


def submission_units(course: Course, path: Path) -> Units:
    """The units of one submission, within the course's intake limits."""
    return tree_units(path, max_files=course.intake.max_files,
                      max_depth=course.intake.max_depth)


def given_units(course: Course, assignment: Assignment) -> set[str]:
    """The units of what the students were given: the released starter or notebooks.

    Raises GraderError (a ReleaseError or MarkerError) when the release cannot be built.
    """
    if assignment.is_project:
        from grader.release import checkpoint

        with tempfile.TemporaryDirectory(prefix="grader-report-") as scratch:
            released = checkpoint(assignment, 0, out=Path(scratch) / assignment.name)
            return set(tree_units(released.directory))
    return _released_notebook_units(course, assignment)


def reference_units(assignment: Assignment) -> dict[str, Units]:
    """A project's checkpoints 1..K (the reference solution through each stage), named
    "checkpoint K (reference)"; {} for a notebook assignment or a project without stages.

    Raises GraderError (a ReleaseError or MarkerError) when a checkpoint cannot be built.
    """
    if not assignment.is_project:
        return {}
    from grader.release import checkpoint

    references = {}
    with tempfile.TemporaryDirectory(prefix="grader-report-") as scratch:
        for stage in range(1, len(assignment.stages) + 1):
            made = checkpoint(assignment, stage, out=Path(scratch) / f"checkpoint-{stage}")
            references[f"checkpoint {stage} (reference)"] = tree_units(made.directory)
    return references


def _released_notebook_units(course: Course, assignment: Assignment) -> set[str]:
    """The units of the released notebooks, made in memory from the source notebooks."""
    import nbformat
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    from grader.nbconfig import nbgrader_config

    assert assignment.source is not None
    config = nbgrader_config(course)
    steps = [ClearSolutions(config=config), ClearHiddenTests(config=config)]
    units: set[str] = set()
    for rel, info, _depth in walk(assignment.source):
        path = assignment.source / rel
        if not stat.S_ISREG(info.st_mode) or _ignored(rel):
            continue
        if path.suffix != ".ipynb":
            units.update(file_units(path, rel))
            continue
        document = json.loads(path.read_text(encoding="utf-8"))
        for cell in document.get("cells", []):
            if isinstance(cell.get("source"), list):
                cell["source"] = "".join(cell["source"])  # as nbformat.reads joins them
        notebook = nbformat.from_dict(document)
        resources: dict[str, Any] = {}
        for step in steps:
            notebook, resources = step.preprocess(notebook, resources)
        units.update(_cell_units(notebook, rel))
    return units


def compare(submissions: dict[str, Units], given: Iterable[str] = (),
            references: dict[str, Units] | None = None) -> Similarity:
    """Find identical groups and near-identical pairs among the students' written units
    (and the `references`, listed only where they match a student)."""
    known = set(given)
    references = references or {}
    everyone = {**references, **submissions}
    written = {student: set(units) - known for student, units in everyone.items()}
    found = Similarity(compared=len(submissions))
    groups: dict[frozenset[str], list[str]] = {}
    for student, units in sorted(written.items()):
        if units:
            groups.setdefault(frozenset(units), []).append(student)
    same_group: set[tuple[str, ...]] = set()
    for units, students in groups.items():
        if len(students) > 1:
            found.identical.append(Match(tuple(students), 1.0, len(units), len(units),
                                         _labels(everyone[students[0]], units)))
            same_group.update(combinations(students, 2))
    for first, second in combinations(sorted(written), 2):
        a, b = written[first], written[second]
        common = a & b
        if (first, second) in same_group or len(common) < MIN_COMMON:
            continue
        share = len(common) / len(a | b)
        if share >= NEAR_SHARE:
            found.near.append(Match((first, second), share, len(common), len(a | b),
                                    _labels(everyone[first], common)))
    found.identical = [m for m in found.identical if set(m.students) - set(references)]
    found.near = [m for m in found.near if set(m.students) - set(references)]
    found.identical.sort(key=lambda m: (-len(m.students), -m.common, m.students))
    found.near.sort(key=lambda m: (-m.share, -m.common, m.students))
    return found


def _labels(units: Units, chosen: Iterable[str], keep: int = 6) -> tuple[str, ...]:
    """Where a few of the chosen units are (file names, or "x.ipynb cell 3"), sorted."""
    return tuple(sorted({units[digest] for digest in chosen})[:keep])
