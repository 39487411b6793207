"""Release assignments to students: solutions out, hidden tests out, one zip each.

A project assignment (a starter) is released by an ordered pipeline; the order matters:

1. `copy_starter`    - copy the starter, leaving caches, virtualenvs and databases behind;
2. `check_text`      - refuse solution markers in files that are not Python (they would leak);
3. `strip_python`    - replace every solution block with a TODO and NotImplementedError;
4. `copy_contract`   - add the contract (openapi.yaml, conftest and helpers, public tests)
                       as `contract/`; the hidden tests never leave the course repository;
5. `wire_tests`      - point the starter's pytest configuration at `contract/` (in the
                       repository it is `../contract`), or write a pytest.ini that does,
                       so `python -m pytest` in the released starter runs every public test;
6. `add_readme_note` - tell the student how to check their work;
7. `verify`          - check nothing with a marker or from hidden/ slipped through;

and the released directory is zipped last, so the zip holds exactly what was checked.
Notebook assignments go through nbgrader's generate_assignment instead.

A *checkpoint* (`checkpoint()`, `grader checkpoint ASSIGNMENT K`) runs the same pipeline
but keeps the solution blocks of stages 1..K: the starter as it looks once stage K is done,
for a student who is lost to compare with. Checkpoint 0 is the release.
"""

from __future__ import annotations

import fnmatch
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader.course import Assignment, Course
from grader.errors import MarkerError, ReleaseError
from grader.markers import BEGIN, find_blocks, has_markers, marker_lines, strip_file

__all__ = [
    "IGNORED", "Released", "checkpoint", "release", "release_notebooks", "release_project",
]

# Never copied into a release: build output, caches, local databases and secrets.
IGNORED = (
    "__pycache__", "*.pyc", ".venv", "venv", "instance", "*.sqlite3", "*.db", ".pytest_cache",
    ".ruff_cache", ".hypothesis", ".ipynb_checkpoints", ".env", ".DS_Store", "*.egg-info",
)
PYTEST_CONFIGS = ("pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
README_NOTE = """## Checking your work

The hub is built in stages, in the order the lesson teaches them: 1 health and devices,
2 posting readings, 3 reading back, 4 commands, 5 hardening. Every function that says
`raise NotImplementedError("stage K: ...")` is yours to write; until you write it, its
endpoint answers `501 not_implemented`. Run the public tests from this folder:

    python -m pytest              # every public test, then a guide: what to do next
    python -m pytest --stage=2    # the same, with stage 2 shown in full (--stage=all: all)

The guide at the end shows the points of each stage, the stage you are on with each
test's hint and what your hub answered, and the next test to work on. A test that needs an
earlier stage is skipped ("needs stage 1: ... - finish stage 1 first") until that stage
works. In the course's environment (`make lab`), `grader check` prints the same guide in
colour (`grader check --stage 2`, `grader check --all`). Your work is graded with these
tests and with hidden tests of the same contract (contract/openapi.yaml).
"""
HIDDEN_DIR = "hidden"
_LOCAL_CONTRACT = re.compile(r"(?<![\w./])contract/")
CONTRACT_DIR = "contract"


@dataclass
class Released:
    """What releasing one assignment produced."""

    assignment: str
    directory: Path
    zip_path: Path
    files: list[str] = field(default_factory=list)
    stripped: list[str] = field(default_factory=list)
    through: int = 0
    """Solution blocks of stages 1..through are kept (a checkpoint); 0 for a release."""


def release(
    course: Course, names: list[str] | None = None, *, out: Path, course_dir: Path | None = None
) -> list[Released]:
    """Release the named assignments (all by default) into `out`."""
    results = []
    for assignment in course.select(names):
        if assignment.is_project:
            results.append(release_project(assignment, out=out))
        else:
            results.append(release_notebooks(course, assignment, out=out, course_dir=course_dir))
    return results


def release_project(assignment: Assignment, *, out: Path) -> Released:
    """Release a starter project into <out>/<name>/ and <out>/<name>.zip."""
    target = _fresh_dir(Path(out) / assignment.name)
    released = Released(assignment.name, target, target.with_suffix(".zip"))
    result = build_starter(assignment, released)
    result.files = write_zip(target, result.zip_path)
    return result


def checkpoint(assignment: Assignment, stage: int, *, out: Path) -> Released:
    """Write the starter solved through `stage` into `out` (no zip); stage 0 is the release."""
    if not assignment.is_project:
        raise ReleaseError(f"{assignment.name} is made of notebooks; checkpoints are for projects.")
    last = len(assignment.stages)
    if not 0 <= stage <= last:
        raise ReleaseError(
            f"{assignment.name} has stages 1 to {last}; a checkpoint is a number from 0 "
            f"(the release) to {last} (everything solved), not {stage}."
        )
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise ReleaseError(f"{out} is not empty; give --out a new or empty directory.")
    out.mkdir(parents=True, exist_ok=True)
    released = Released(assignment.name, out, out.with_suffix(".zip"), through=stage)
    result = build_starter(assignment, released)
    result.files = [p.relative_to(out).as_posix() for p in _files(out)]
    return result


def build_starter(assignment: Assignment, result: Released) -> Released:
    """Run the release pipeline for a starter into the (empty) `result.directory`."""
    assert assignment.source is not None and assignment.contract is not None
    if not assignment.source.is_dir():
        raise ReleaseError(f"{assignment.name}: the starter {assignment.source} does not exist.")
    steps: list[Callable[[Assignment, Released], None]] = [
        copy_starter, check_text, strip_python, copy_contract, wire_tests, add_readme_note,
        verify,
    ]
    for step in steps:
        step(assignment, result)
    return result


def copy_starter(assignment: Assignment, result: Released) -> None:
    """Copy the starter into the release directory, skipping IGNORED names."""
    assert assignment.source is not None
    shutil.copytree(
        assignment.source, result.directory, ignore=_ignore, symlinks=False, dirs_exist_ok=True
    )


def check_text(assignment: Assignment, result: Released) -> None:
    """Raise MarkerError for a solution marker in any file that is not Python."""
    for path in _files(result.directory):
        if path.suffix != ".py" and _has_text_markers(path):
            source = _source_of(path, assignment, result)
            raise MarkerError(
                f"{source}:{_first_marker_line(path)}: solution markers are only stripped from "
                "Python files; move the solution into a .py file or remove the marker."
            )


def strip_python(assignment: Assignment, result: Released) -> None:
    """Strip the solution blocks of every Python file (keeping stages 1..through)."""
    stages = assignment.stage_references()
    for path in _files(result.directory):
        if path.suffix != ".py":
            continue
        try:
            if stages:
                _check_staged(path)
            changed = strip_file(
                path, lesson=assignment.lesson, through=result.through, stages=stages
            )
        except MarkerError as exc:
            source = _source_of(path, assignment, result)
            raise MarkerError(str(exc).replace(str(path), str(source), 1)) from None
        if changed:
            result.stripped.append(path.relative_to(result.directory).as_posix())


def _check_staged(path: Path) -> None:
    """In a project climbed in stages, every solution block must say its stage."""
    for block in find_blocks(path.read_text(encoding="utf-8"), path=path):
        if block.stage is None:
            raise MarkerError(
                f"{path}:{block.begin}: this project is climbed in stages (course.toml); "
                f"say which stage the block belongs to: `{BEGIN} (stage N)`."
            )


def copy_contract(assignment: Assignment, result: Released) -> None:
    """Copy the contract, without its hidden tests, into <release>/contract/."""
    assert assignment.contract is not None
    if not (assignment.contract / "openapi.yaml").is_file():
        raise ReleaseError(f"{assignment.name}: no openapi.yaml in {assignment.contract}.")
    target = result.directory / CONTRACT_DIR
    if target.exists():
        shutil.rmtree(target)

    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = _ignore(directory, names)
        if Path(directory).resolve() == assignment.contract.resolve():
            skipped.add(HIDDEN_DIR)
        return skipped

    shutil.copytree(assignment.contract, target, ignore=ignore)


def wire_tests(assignment: Assignment, result: Released) -> None:
    """Make `python -m pytest` in the release run its own tests and the public contract."""
    configs = [result.directory / name for name in PYTEST_CONFIGS
               if _configures_pytest(result.directory / name)]
    for path in configs:
        text = path.read_text(encoding="utf-8")
        if "../contract" in text and not _LOCAL_CONTRACT.search(text):
            path.write_text(text.replace("../contract", CONTRACT_DIR), encoding="utf-8")
    if configs:
        return
    testpaths = " ".join(p for p in ("tests", f"{CONTRACT_DIR}/tests")
                         if (result.directory / p).is_dir())
    (result.directory / "pytest.ini").write_text(
        "# Written by `grader release`: the starter's tests and the contract's public tests.\n"
        f"[pytest]\ntestpaths = {testpaths}\nhub_backend = {assignment.framework}\n",
        encoding="utf-8",
    )


def _configures_pytest(path: Path) -> bool:
    """True when `path` is a file holding pytest configuration."""
    if not path.is_file():
        return False
    if path.name == "pytest.ini":
        return True
    text = path.read_text(encoding="utf-8")
    return "[tool.pytest" in text or "[pytest]" in text or "[tool:pytest]" in text


def add_readme_note(assignment: Assignment, result: Released) -> None:
    """Append how to run the public tests to the README, unless it says so already."""
    readme = result.directory / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else f"# {assignment.title}\n"
    if "grader check" in text:
        return
    readme.write_text(text.rstrip("\n") + "\n\n" + README_NOTE, encoding="utf-8")


def verify(assignment: Assignment, result: Released) -> None:
    """Fail if a marker or a hidden test survived into the release."""
    for path in _files(result.directory):
        if HIDDEN_DIR in path.relative_to(result.directory).parts[:2]:
            raise ReleaseError(f"{assignment.name}: hidden tests leaked into {path}.")
        if _has_text_markers(path):
            raise ReleaseError(f"{assignment.name}: a solution marker survived in {path}.")


def write_zip(directory: Path, zip_path: Path) -> list[str]:
    """Zip `directory` as <name>/... into `zip_path`; return the archived file names."""
    names = []
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in _files(directory):
            name = path.relative_to(directory).as_posix()
            archive.write(path, f"{directory.name}/{name}")
            names.append(name)
    return names


def release_notebooks(
    course: Course, assignment: Assignment, *, out: Path, course_dir: Path | None = None
) -> Released:
    """Release a notebook assignment with nbgrader's generate_assignment into <out>/<name>/."""
    from grader.nbconfig import generate_assignment

    assert assignment.source is not None
    if not assignment.source.is_dir():
        raise ReleaseError(f"{assignment.name}: no source notebooks in {assignment.source}.")
    out = Path(out).resolve()
    target = _fresh_dir(out / assignment.name)
    generate_assignment(course, assignment, release_dir=out, course_dir=course_dir)
    result = Released(assignment.name, target, target.with_suffix(".zip"))
    result.stripped = [p.name for p in sorted(target.glob("*.ipynb"))]
    result.files = write_zip(target, result.zip_path)
    return result


def _fresh_dir(path: Path) -> Path:
    """Return `path` as a new empty directory, removing an earlier release there."""
    if path.exists():
        shutil.rmtree(path)
    path.with_suffix(".zip").unlink(missing_ok=True)
    path.mkdir(parents=True)
    return path


def _ignore(directory: str, names: list[str]) -> set[str]:
    """shutil.copytree ignore function for IGNORED patterns."""
    return {name for name in names if any(fnmatch.fnmatch(name, p) for p in IGNORED)}


def _files(directory: Path) -> list[Path]:
    """Every regular file under `directory`, sorted."""
    return sorted(p for p in directory.rglob("*") if p.is_file())


def _has_text_markers(path: Path) -> bool:
    """True when `path` is a text file with a solution marker line."""
    try:
        return has_markers(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, OSError):
        return False


def _first_marker_line(path: Path) -> int:
    """The 1-based number of the first marker line in `path`."""
    return marker_lines(path.read_text(encoding="utf-8"))[0]


def _source_of(path: Path, assignment: Assignment, result: Released) -> Path:
    """Map a released file back to its file in the starter, for error messages."""
    assert assignment.source is not None
    return assignment.source / path.relative_to(result.directory)
