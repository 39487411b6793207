"""Put shards back together: `grader merge SHARD_DIR... --course-dir DIR`.

Each shard (`grader grade A --shard I/N`, see `grader.shard`) leaves, in its own course
directory, what any batch leaves::

    <shard>/autograded/<student>/<assignment>/results.json   (+ nbgrader's notebooks)
    <shard>/feedback/<student>/<assignment>/index.html       (+ nbgrader's pages)

`merge` copies those two folders of every result into the course directory, replacing
the ones already there (a student's ``adjustments.json`` there is kept: it is never a
shard's to change). Each folder is built beside its place under a hidden name and then
renamed into it, so a reader sees the old folder or the new one, never half of one.

It refuses, before copying anything (`MergeError`):

- a student whose result differs between two shards (shards never share a student;
  two copies of one grading, same submission, suite, status and test outcomes, are the
  same result, and the newer copy is kept);
- results of an assignment graded by a different suite version (`suite_version`: the
  contract suite's, or the source notebooks' hash) than results already in the course
  directory that stay, unless ``force``: a gradebook must not grade some students with
  other tests than the rest.

It warns, and copies: a result that graded other files than the student's submission in
the course directory's ``submitted/`` (handed in again since), and a notebook result
whose student already has a grade of it in the course directory's ``gradebook.db``
(`grader export` reads notebook scores from nbgrader's gradebook first).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table

from grader.errors import MergeError
from grader.results import RESULTS_NAME, hash_tree, read_result, results_path
from grader.trees import remove_tree

__all__ = ["Incoming", "MergeReport", "ShardSummary", "merge", "merge_table"]

KEPT_NAME = "adjustments.json"  # the instructor's, in the course directory: never replaced
STATUSES = ("graded", "needs attention", "error")


@dataclass(frozen=True)
class Incoming:
    """One result found in a shard."""

    shard: Path
    student: str
    assignment: str
    result: dict[str, Any]

    @property
    def folder(self) -> Path:
        """The shard's autograded/<student>/<assignment>/."""
        return results_path(self.shard, self.student, self.assignment).parent


@dataclass
class ShardSummary:
    """What one shard held: students, and results by status."""

    shard: Path
    label: str  # the directory as it was named
    students: set[str] = field(default_factory=set)
    statuses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))


@dataclass
class MergeReport:
    """What a merge did."""

    course_dir: Path
    shards: list[ShardSummary]
    merged: list[Incoming]
    replaced: int = 0  # results that were already in the course directory
    duplicates: int = 0  # the same result found in two shards
    warnings: list[str] = field(default_factory=list)


def merge(course_dir: Path, shard_dirs: list[Path], *, assignment: str | None = None,
          force: bool = False) -> MergeReport:
    """Copy the shards' results and feedback of `assignment` (default: all) into
    `course_dir`; return what was merged. Raise MergeError, copying nothing, on a conflict."""
    course_dir = Path(course_dir).resolve()
    given = [Path(s) for s in shard_dirs]
    shards = _check_dirs(course_dir, given)
    summaries, found, warnings = _scan(shards, [str(g) for g in given], assignment)
    if assignment is not None and not found:
        raise MergeError(f"No shard has a result of {assignment!r}: none of "
                         + ", ".join(str(s / "autograded" / "*" / assignment) for s in shards)
                         + " holds a results.json. Check the assignment's name.")
    chosen, duplicates = _choose(found)
    if not force:
        _check_versions(course_dir, chosen)
    warnings += _stale_submissions(course_dir, chosen) + _gradebook_warnings(course_dir, chosen)
    report = MergeReport(course_dir=course_dir, shards=summaries, merged=chosen,
                         duplicates=duplicates, warnings=warnings)
    for item in chosen:
        target = results_path(course_dir, item.student, item.assignment).parent
        if target.is_dir():
            report.replaced += 1
        _replace_folder(item.folder, target, report.warnings)
        feedback = Path("feedback") / item.student / item.assignment
        if (item.shard / feedback).is_dir():
            _replace_folder(item.shard / feedback, course_dir / feedback, report.warnings)
    return report


def _check_dirs(course_dir: Path, shard_dirs: list[Path]) -> list[Path]:
    """The shard directories, resolved: each must exist, once, and not be course_dir."""
    if not shard_dirs:
        raise MergeError("Name the shards' course directories: grader merge SHARD_DIR...")
    resolved: list[Path] = []
    for given in shard_dirs:
        shard = given.resolve()
        if not shard.is_dir():
            raise MergeError(f"{given} does not exist. Name the --course-dir each `grader "
                             "grade --shard` wrote into.")
        if shard == course_dir:
            raise MergeError(f"{given} is the course directory merged into (--course-dir); "
                             "name only the shards' own directories.")
        if shard in resolved:
            raise MergeError(f"{given} is named twice; name each shard once.")
        resolved.append(shard)
    return resolved


def _scan(shards: list[Path], labels: list[str], assignment: str | None
          ) -> tuple[list[ShardSummary], dict[tuple[str, str], list[Incoming]], list[str]]:
    """Every result in the shards, by (student, assignment); a summary per shard."""
    found: dict[tuple[str, str], list[Incoming]] = defaultdict(list)
    summaries, warnings = [], []
    for shard, label in zip(shards, labels, strict=True):
        summary = ShardSummary(shard, label)
        if not (shard / "autograded").is_dir():
            warnings.append(f"{shard} holds no results (no autograded/ folder): a shard "
                            "with no students, or not a directory `grader grade` wrote into")
        for folder in _result_folders(shard, assignment):
            student, name = folder.parent.name, folder.name
            result = read_result(folder / RESULTS_NAME)
            if result is None or result.get("student") != student \
                    or result.get("assignment") != name:
                warnings.append(f"skipped {folder}: no complete results.json of {student}'s "
                                f"{name} in it")
                continue
            found[student, name].append(Incoming(shard, student, name, result))
            summary.students.add(student)
            status = str(result.get("status"))
            summary.statuses[status] = summary.statuses.get(status, 0) + 1
        summaries.append(summary)
    return summaries, dict(sorted(found.items())), warnings


def _result_folders(shard: Path, assignment: str | None) -> list[Path]:
    """autograded/<student>/<assignment>/ folders of a shard (hidden names left out)."""
    folders: list[Path] = []
    root = shard / "autograded"
    for student in sorted(root.iterdir()) if root.is_dir() else []:
        if student.name.startswith(".") or not student.is_dir() or student.is_symlink():
            continue
        for folder in sorted(student.iterdir()):
            if (not folder.name.startswith(".") and folder.is_dir() and not folder.is_symlink()
                    and (assignment is None or folder.name == assignment)):
                folders.append(folder)
    return folders


def grading_of(result: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two results the same grading: the files graded, the suite, the status,
    the score and every test's outcome (not when it ran or how long it took)."""
    tests = tuple((t.get("name"), t.get("earned"), t.get("passed"))
                  for t in result.get("tests") or ())
    return (result.get("submission_sha256"), result.get("suite_version"),
            result.get("status"), result.get("score"), result.get("max_score"), tests)


def _choose(found: dict[tuple[str, str], list[Incoming]]) -> tuple[list[Incoming], int]:
    """One result per (student, assignment): a student's copies must be one grading."""
    chosen, conflicts, duplicates = [], [], 0
    for copies in found.values():
        first = copies[0]
        other = next((c for c in copies[1:] if grading_of(c.result) != grading_of(first.result)),
                     None)
        if other is not None:
            conflicts.append(f"{first.student}'s {first.assignment} is {_describe(first)} in "
                             f"{first.shard} but {_describe(other)} in {other.shard}")
            continue
        duplicates += len(copies) - 1
        chosen.append(max(copies, key=lambda c: str(c.result.get("graded_at", ""))))
    if conflicts:
        more = f" (and {len(conflicts) - 3} more)" if len(conflicts) > 3 else ""
        raise MergeError("Two shards graded the same student differently: "
                         + "; ".join(conflicts[:3]) + more + ". Shards never share a "
                         "student when every one ran `grader grade --shard I/N` with the same "
                         "N and its own I: merge the shards of one run only, or delete the "
                         "wrong copy from its shard's autograded/ and feedback/.")
    return chosen, duplicates


def _describe(item: Incoming) -> str:
    """A result in a few words: score, status, when."""
    result = item.result
    return (f"{result.get('score', 0):g} / {result.get('max_score', 0):g} "
            f"({result.get('status')}, graded {result.get('graded_at', '?')})")


def _check_versions(course_dir: Path, chosen: list[Incoming]) -> None:
    """Refuse a suite version other than that of the results that stay in course_dir."""
    by_assignment: dict[str, list[Incoming]] = defaultdict(list)
    for item in chosen:
        by_assignment[item.assignment].append(item)
    for name, items in by_assignment.items():
        incoming = {str(i.result.get("suite_version")) for i in items}
        replaced = {i.student for i in items}
        staying: dict[str, list[str]] = defaultdict(list)
        root = course_dir / "autograded"
        for student in sorted(root.iterdir()) if root.is_dir() else []:
            result = read_result(results_path(course_dir, student.name, name))
            if result is not None and student.name not in replaced:
                staying[str(result.get("suite_version"))].append(student.name)
        if len(incoming) > 1:
            raise MergeError(f"The shards graded {name} with different suite versions ("
                             + ", ".join(sorted(_short(v) for v in incoming)) + "): the "
                             "tests changed between shards. Grade every shard again with the "
                             "same tests, or pass --force to merge anyway.")
        version = next(iter(incoming))
        others = {v: who for v, who in staying.items() if v != version}
        if others:
            theirs, who = next(iter(sorted(others.items())))
            listed = ", ".join(who[:5]) + (f" and {len(who) - 5} more" if len(who) > 5 else "")
            raise MergeError(
                f"The shards graded {name} with suite version {_short(version)}, but the "
                f"results already in {course_dir / 'autograded'} were graded with "
                f"{_short(theirs)} ({listed}): the class would be graded by two sets of "
                f"tests. Grade those students again with the new tests (grader grade {name} "
                "--force, or in shards), or pass --force to merge anyway.")


def _short(version: str) -> str:
    """A suite version short enough to read (they are hashes)."""
    return version[:12] if version else "(none)"


def _stale_submissions(course_dir: Path, chosen: list[Incoming]) -> list[str]:
    """Warnings for results of other files than the submission in course_dir/submitted/."""
    stale = []
    for item in chosen:
        submission = course_dir / "submitted" / item.student / item.assignment
        if not submission.is_dir():
            continue
        try:
            digest = hash_tree(submission)
        except (OSError, RecursionError, MemoryError):
            continue
        if digest != item.result.get("submission_sha256"):
            stale.append(f"{item.student}'s {item.assignment}")
    if not stale:
        return []
    return [f"{len(stale)} result(s) graded other files than those in "
            f"{course_dir / 'submitted'}/ (handed in again since the shard copied them?): "
            + ", ".join(stale[:5]) + (" ..." if len(stale) > 5 else "")
            + ". `grader grade ASSIGNMENT` in the course directory grades what changed."]


def _gradebook_warnings(course_dir: Path, chosen: list[Incoming]) -> list[str]:
    """Warnings for notebook results whose student already has a grade in gradebook.db."""
    notebooks = [i for i in chosen if i.result.get("kind") == "notebook"]
    database = course_dir / "gradebook.db"
    if not notebooks or not database.is_file():
        return []
    from nbgrader.api import Gradebook, MissingEntry

    from grader.nbconfig import gradebook_url

    older = []
    with Gradebook(gradebook_url(course_dir)) as gradebook:
        for item in notebooks:
            try:
                gradebook.find_submission(item.assignment, item.student)
            except MissingEntry:
                continue
            older.append(f"{item.student}'s {item.assignment}")
    if not older:
        return []
    return [f"{database} already holds a grade of " + ", ".join(older[:5])
            + (f" and {len(older) - 5} more" if len(older) > 5 else "")
            + ": `grader export` reads notebook scores from nbgrader's gradebook before "
            "results.json, so it shows those older grades. Merge into a course directory "
            "whose gradebook.db has not graded this assignment, or grade those students "
            "there (grader grade ASSIGNMENT --student ID --force)."]


def _replace_folder(source: Path, target: Path, warnings: list[str]) -> None:
    """Put a copy of `source` at `target`, keeping target's adjustments.json, by renames:
    build it beside target under a hidden name, move the old one away, move it in."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.merging-", dir=target.parent))
    attic = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    old = attic / target.name
    try:
        shutil.copytree(source, staging, symlinks=True, dirs_exist_ok=True)
        kept = target / KEPT_NAME
        if kept.is_file():
            theirs = staging / KEPT_NAME
            if theirs.is_file() and theirs.read_bytes() != kept.read_bytes():
                warnings.append(f"kept {kept}; the shard's own {KEPT_NAME} in {source} was "
                                "not copied")
            shutil.copy2(kept, theirs)
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
    except BaseException:
        if old.exists() and not target.exists():
            os.replace(old, target)
        remove_tree(staging)
        raise
    finally:
        if target.exists() or not old.exists():  # never the only copy left
            remove_tree(attic)


def merge_table(report: MergeReport) -> Table:
    """A rich table: a row per shard (students, graded, needs attention, errors), then the
    merged totals."""
    table = Table(title=f"Merged into {escape(str(report.course_dir))}")
    table.add_column("shard")
    for column in ("students", "graded", "needs attention", "errors"):
        table.add_column(column, justify="right")
    for summary in report.shards:
        table.add_row(escape(summary.label), str(len(summary.students)),
                      *(str(summary.statuses.get(s, 0)) for s in STATUSES))
    totals: dict[str, int] = defaultdict(int)
    for item in report.merged:
        totals[str(item.result.get("status"))] += 1
    table.add_section()
    table.add_row("[bold]merged[/]", str(len({i.student for i in report.merged})),
                  *(str(totals[s]) for s in STATUSES))
    return table
