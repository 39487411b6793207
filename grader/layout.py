"""The layout check: can a submission be graded as it was handed in?

The grader runs a project from the top of its folder and a notebook assignment from its
notebooks' names, so the files that make it gradable must be at the top of
``submitted/<student>/<assignment>/``:

- a Flask project: ``wsgi.py`` (what gunicorn imports);
- a Django project: ``manage.py``;
- a notebook assignment: its notebooks, named as in ``notebooks/<assignment>/``
  (``01-serial.ipynb``).

A correct hub handed in one folder too deep, or as a zip inside the folder, would
otherwise score 0 with only ``No module named 'wsgi'`` in a log. `layout_problems` says
instead, in sentences a student can act on, what is wrong and what was found where;
`grader grade` does not run such a submission but gives it the status "needs attention"
(see `grader.batch`), and `grader collect` uses the same check, and `find_root` to unwrap
a project found deeper down.

A notebook that is simply missing while others are there is not a layout problem: the
grader grades what is there and counts the missing notebook's tests as failed. It is one
when none of the notebooks is at the top, or when a missing one is in a subfolder.

The search looks at most `SEARCH_DEPTH` folders down and at `SEARCH_ENTRIES` entries in
all, breadth first, never follows a symbolic link, and does not enter caches, version
control, ``node_modules`` or virtual environments (a folder holding ``pyvenv.cfg``: one
holds werkzeug's and Django's own ``wsgi.py``), so a hostile tree costs it little. A
submission it cannot read at all (not a folder, unreadable) has no layout problem here:
the grader's intake reports it.
"""

from __future__ import annotations

import os
import stat
from collections import deque
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from grader.course import Assignment
from grader.results import make_result
from grader.trees import SKIP_DIRS

__all__ = [
    "ARCHIVE_SUFFIXES",
    "NEEDS_ATTENTION",
    "SEARCH_DEPTH",
    "SEARCH_ENTRIES",
    "attention_result",
    "expected_files",
    "find_root",
    "is_archive",
    "layout_problems",
]

#: The status of a result whose submission was not run for its layout (results.json).
NEEDS_ATTENTION = "needs attention"
#: What a project needs at its top, by framework.
MARKERS = {"flask": "wsgi.py", "django": "manage.py"}
FRAMEWORK_NAMES = {"flask": "Flask", "django": "Django"}
#: Names that are archives (the readable ones and the others a student may send).
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz",
                    ".rar", ".7z")
SEARCH_DEPTH = 8
SEARCH_ENTRIES = 50_000
NOT_SEARCHED = SKIP_DIRS | {"__MACOSX", "node_modules", "site-packages"}
_SHOWN = 6  # names listed in a message at most


def is_archive(name: str) -> bool:
    """True for a file name that says zip, tarball, rar or 7z."""
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def expected_files(assignment: Assignment) -> list[str]:
    """The file names that must be at the top of a submission of this assignment.

    A project: its framework's marker. A notebook assignment: the ``.ipynb`` files at the
    top of its source folder (none when it has no source folder: nothing to check).
    """
    if assignment.is_project:
        return [MARKERS[assignment.framework or "flask"]]
    source = assignment.source
    if source is None or not source.is_dir():
        return []
    return sorted(p.name for p in source.glob("*.ipynb") if p.is_file())


@dataclass
class Found:
    """What `search` saw: where each wanted name is, archives, the top's entries."""

    places: dict[str, list[str]] = field(default_factory=dict)  # name -> folders, shallowest first
    archives: list[str] = field(default_factory=list)
    top: list[str] = field(default_factory=list)  # the top's entries ("hub/" for a folder)


def search(root: Path, wanted: set[str]) -> Found:
    """Look for the wanted file names under root, breadth first, within the bounds."""
    found = Found()
    queue: deque[tuple[str, int]] = deque([("", 0)])
    budget = SEARCH_ENTRIES
    while queue and budget > 0:
        rel, depth = queue.popleft()
        try:
            with os.scandir(root / rel if rel else root) as listing:
                entries = sorted(islice(listing, budget), key=lambda e: e.name)
        except OSError:
            continue
        budget -= len(entries)
        for entry in entries:
            path = f"{rel}/{entry.name}" if rel else entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if not rel:
                found.top.append(entry.name + ("/" if is_dir else ""))
            if is_dir:
                if depth < SEARCH_DEPTH and _searchable(root / path, entry.name):
                    queue.append((path, depth + 1))
            elif entry.name in wanted:
                found.places.setdefault(entry.name, []).append(rel)
            elif is_archive(entry.name):
                found.archives.append(path)
    return found


def _searchable(path: Path, name: str) -> bool:
    """False for caches, version control, node_modules and virtual environments."""
    return name not in NOT_SEARCHED and not os.path.lexists(path / "pyvenv.cfg")


def _present(path: Path) -> bool:
    """True when path exists and is not a folder (a symbolic link counts: the grader's
    intake decides what to do with it)."""
    try:
        return not stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def find_root(assignment: Assignment, path: Path) -> str | None:
    """The folder under path that should be the submission, relative ("" for path itself).

    The shallowest folder holding the project's marker, or the most of the assignment's
    notebooks; None when there is none, or two equally good ones (a choice for a person).
    """
    names = expected_files(assignment)
    if not names or not _is_folder(path):
        return None
    if all(_present(path / name) for name in names):
        return ""
    counts: dict[str, int] = {}
    for folders in search(path, set(names)).places.values():
        for folder in _own(assignment, path, folders):
            counts[folder] = counts.get(folder, 0) + 1
    if not counts:
        return None
    best = max(counts.values())
    candidates = [f for f, n in counts.items() if n == best]
    shallowest = min(_depth(f) for f in candidates)
    top = [f for f in candidates if _depth(f) == shallowest]
    return top[0] if len(top) == 1 else None


def _own(assignment: Assignment, path: Path, folders: list[str]) -> list[str]:
    """The folders that are this framework's project: not a Django project's ``config/``
    (its wsgi.py beside a manage.py) for a Flask one."""
    if not assignment.is_project:
        return folders
    others = [m for f, m in MARKERS.items() if f != (assignment.framework or "flask")]
    return [folder for folder in folders if not folder
            or not any(_present((path / folder).parent / m) for m in others)]


def _depth(folder: str) -> int:
    return folder.count("/") + 1 if folder else 0


def layout_problems(assignment: Assignment, path: Path) -> list[str]:
    """What stops this submission from being graded as handed in; empty when nothing.

    Each problem is one sentence for the student: what is missing at the top, what was
    found where, and what to hand in instead.
    """
    names = expected_files(assignment)
    if not names or not _is_folder(path):
        return []
    if assignment.is_project:
        return _project_problems(assignment, path, names[0])
    return _notebook_problems(path, names)


def _project_problems(assignment: Assignment, path: Path, marker: str) -> list[str]:
    """A project's problems: its marker is not at the top (elsewhere, or another
    framework's project instead)."""
    if _present(path / marker):
        return []
    framework = assignment.framework or "flask"
    others = {f: m for f, m in MARKERS.items() if f != framework}
    for other, other_marker in others.items():
        if _present(path / other_marker):
            return [_other_framework(assignment, other, f"a {other_marker} at its top")]
    found = search(path, {marker, *others.values()})
    folders = _own(assignment, path, found.places.get(marker, []))
    if folders:
        shallowest = [f for f in folders if _depth(f) == _depth(folders[0])]
        if len(shallowest) == 1:
            return [f"No {marker} at the top of the submission; found one in "
                    f"{shallowest[0]}/{marker} — hand in the folder that holds {marker}."]
        return [f"No {marker} at the top of the submission; found {len(shallowest)}, in "
                f"{_listed([f'{f}/{marker}' for f in shallowest])} — hand in only the folder "
                f"of your project, the one that holds {marker}."]
    for other, other_marker in others.items():
        if found.places.get(other_marker):
            where = f"{found.places[other_marker][0]}/{other_marker}"
            return [_other_framework(assignment, other, f"a {other_marker} in {where}")]
    return [_nothing_found(found, f"No {marker} anywhere in the submission",
                           f"your project's folder, the one that holds {marker} at its top "
                           "(as the starter does)")]


def _other_framework(assignment: Assignment, other: str, found: str) -> str:
    """The sentence for a project of the other framework (`found`: its marker, where)."""
    framework = assignment.framework or "flask"
    marker = MARKERS[framework]
    return (f"No {marker} at the top of the submission, but {found}: this looks like a "
            f"{FRAMEWORK_NAMES[other]} project, and {assignment.name} is the "
            f"{FRAMEWORK_NAMES[framework]} one — hand in your {FRAMEWORK_NAMES[framework]} "
            f"project, the folder that holds {marker}.")


def _notebook_problems(path: Path, names: list[str]) -> list[str]:
    """A notebook assignment's problems: none of its notebooks at the top, or one nested."""
    missing = [name for name in names if not _present(path / name)]
    if not missing:
        return []
    found = search(path, set(missing))
    problems = [f"No {name} at the top of the submission; found it in "
                f"{found.places[name][0]}/{name} — hand in the folder that holds it."
                for name in missing if found.places.get(name)]
    if problems or len(missing) < len(names):
        return problems
    wanted = _listed(names)
    others = [entry for entry in found.top if entry.endswith(".ipynb")]
    if others:
        return [f"None of this assignment's notebooks ({wanted}) is at the top of the "
                f"submission; it holds {_listed(others)} — keep the notebook's name as it "
                f"was given: {wanted}."]
    return [_nothing_found(found, f"None of this assignment's notebooks ({wanted}) is in the "
                                  "submission", "the folder that holds them")]


def _nothing_found(found: Found, missing: str, hand_in: str) -> str:
    """The sentence for a submission with nothing gradable anywhere."""
    if not found.top:
        return f"The submission is empty — hand in {hand_in}."
    if found.archives:
        return (f"{missing}; it holds {_listed(found.archives)} — unpack it and hand in "
                f"{hand_in}.")
    return f"{missing} (at its top: {_listed(found.top)}) — hand in {hand_in}."


def _listed(names: list[str]) -> str:
    """'a, b and c', at most _SHOWN names, then 'and N more'."""
    shown = names[:_SHOWN]
    more = len(names) - len(shown)
    if more:
        return f"{', '.join(shown)} and {more} more"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def attention_result(assignment: Assignment, student: str, problems: list[str], *,
                     submission_sha256: str, suite_version: str) -> dict[str, Any]:
    """The results.json of a submission not run for its layout problems: status "needs
    attention", score 0, no tests, the problems as its feedback."""
    return make_result(student=student, assignment=assignment.name, kind=assignment.kind,
                       tests=[], feedback=problems, submission_sha256=submission_sha256,
                       suite_version=suite_version, max_score=assignment.points,
                       status=NEEDS_ATTENTION)
