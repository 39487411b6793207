"""Grade every submission of one assignment: in parallel, resumable, never stopped by one.

    grade(course, "flask-hub", course_dir=Path("."), jobs=2)

- Submissions are nbgrader's: ``submitted/<student>/<assignment>/``.
- A submission is skipped when its results.json already holds a *graded* result for the
  same submission hash and suite version (unless ``force``): a batch stopped by Ctrl-C or
  ``kill -9`` picks up where it stopped when run again, and nothing is graded twice.
- Each result is written atomically as the job's last step, then its feedback page; a
  grader failure on one submission (a submission over the intake limits, a tree too deep
  to hash, ``RecursionError``, ``MemoryError``) is recorded as ``status: error`` for that
  student and the batch goes on.
- A submission that cannot be graded as handed in (`grader.layout`: no ``wsgi.py`` or
  ``manage.py`` at its top, none of the notebooks) is not run: its result has status
  "needs attention" with the reason, counted apart, and is looked at again next time.
- Project submissions run in the sandbox (`grader.sandbox`), notebooks in theirs
  (`grader.nbsandbox`), ``jobs`` at a time; where it cannot run, the
  batch refuses to start unless ``unsafe_no_sandbox`` (``--unsafe-no-sandbox``,
  ``GRADER_SANDBOX=none``) says to grade without it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from grader.course import Assignment, Course
from grader.errors import CourseError, ShardError
from grader.feedback import write_feedback
from grader.layout import NEEDS_ATTENTION, attention_result, layout_problems
from grader.results import atomic_write_json, hash_tree, make_result, read_result, results_path
from grader.sandbox import (
    SANDBOX_PORT,
    Limits,
    SandboxCaps,
    Workspace,
    detect_sandbox,
    exposed_secrets,
    kill_running,
    require_sandbox,
    reset_stopping,
)
from grader.shard import check_shard, shard_of

__all__ = ["find_submissions", "grade"]


@dataclass(frozen=True)
class Job:
    """One submission to grade."""

    student: str
    path: Path


def find_submissions(course_dir: Path, assignment: str, students: list[str] | None = None,
                     shard: tuple[int, int] | None = None) -> list[Job]:
    """Return submitted/<student>/<assignment>/ directories, sorted by student; with
    ``shard`` (I, N), only those of shard I of N (`grader.shard.shard_of`)."""
    root = Path(course_dir) / "submitted"
    wanted = set(students) if students else None
    jobs = []
    for student_dir in sorted(root.iterdir()) if root.is_dir() else []:
        path = student_dir / assignment
        if (path.is_dir() and (wanted is None or student_dir.name in wanted)
                and (shard is None or shard_of(student_dir.name, shard[1]) == shard[0])):
            jobs.append(Job(student=student_dir.name, path=path))
    return jobs


def is_done(course_dir: Path, assignment: str, job: Job, suite_version: str) -> bool:
    """True when a graded result for this very submission and suite already exists.

    A submission that cannot even be hashed is not done: its job says why, for that
    student alone.
    """
    previous = read_result(results_path(course_dir, job.student, assignment))
    if (previous is None or previous.get("status") != "graded"
            or previous.get("suite_version") != suite_version):
        return False
    return previous.get("submission_sha256") == safe_hash(job.path)


def safe_hash(path: Path) -> str:
    """The submission's hash, or "" when it cannot be read (too deep, gone, unreadable)."""
    try:
        return hash_tree(path)
    except (OSError, RecursionError, MemoryError):
        return ""


def grade(course: Course, assignment: str, *, course_dir: Path, jobs: int | None = None,
          force: bool = False, students: list[str] | None = None,
          limits: Limits | None = None, console: Console | None = None,
          unsafe_no_sandbox: bool | None = None,
          shard: tuple[int, int] | None = None) -> list[dict]:
    """Grade one assignment's submissions; return every result (new and kept).

    ``unsafe_no_sandbox`` (default: ``GRADER_SANDBOX=none``) grades submissions (projects
    and notebooks) without the sandbox when it cannot run; otherwise that raises
    SandboxUnavailable. A ``students`` entry with no submission raises CourseError.
    ``shard`` (I, N) grades only shard I of N (`grader.shard`); it does not go with
    ``students`` (ShardError).
    """
    course_dir = Path(course_dir).resolve()
    target = course.get(assignment)
    console = console or Console(stderr=True)
    if shard is not None:
        check_shard(shard)
        if students:
            raise ShardError("--student and --shard do not go together: --student already "
                             "says whom to grade. Drop one of them.")
    todo = find_submissions(course_dir, assignment, students, shard)
    missing = sorted(set(students or ()) - {job.student for job in todo})
    if missing:
        raise CourseError(no_submission_message(course_dir, assignment, missing))
    if shard is not None:
        console.print(f"Shard {shard[0]}/{shard[1]}: {len(todo)} of the "
                      f"{len(find_submissions(course_dir, assignment))} submission(s).")
    if not todo:
        console.print(f"No submissions in {course_dir / 'submitted'}/*/{assignment}/"
                      + (" for this shard." if shard else "."))
        return []
    for warning in exposed_secrets(course, target, course_dir):
        console.print(f"[bold yellow]warning:[/] {escape(warning)}")
    caps = detect_sandbox(unsafe=unsafe_no_sandbox)
    require_sandbox(caps)
    if target.is_project:
        with _project_grader(course, target, course_dir, limits or Limits(), caps,
                             console) as run:
            return _run_batch(course_dir, target, todo, run, jobs, force, console)
    from grader.notebooks import notebook_grader

    for warning in caps.warnings:
        console.print(f"[bold yellow]warning:[/] {warning}")
    with notebook_grader(course, target, course_dir, caps=caps) as run:
        return _run_batch(course_dir, target, todo, run, jobs, force, console)


def no_submission_message(course_dir: Path, assignment: str, missing: list[str]) -> str:
    """Why --student found nothing to grade, and who does have a submission."""
    names = ", ".join(missing)
    have = [job.student for job in find_submissions(course_dir, assignment)]
    listed = ", ".join(have[:10]) + (f" and {len(have) - 10} more" if len(have) > 10 else "")
    return (f"No submission of {assignment} for {names}: there is no "
            f"{course_dir / 'submitted' / missing[0] / assignment}/. "
            + (f"Students with a submission: {listed}." if have else
               f"Nobody has one yet in {course_dir / 'submitted'}/."))


@contextmanager
def _project_grader(course: Course, assignment: Assignment, course_dir: Path, limits: Limits,
                    caps: SandboxCaps, console: Console) -> Iterator[Any]:
    """Yield a function grading one project submission; set up the suite and the sandbox.

    The workspace (the suite's copy with the hidden tests, the boxes) is removed on every
    way out; one a killed batch left is removed by the next (`Workspace.create`).
    """
    from grader.projects import TrustedSuite, grade_project

    for warning in caps.warnings:
        console.print(f"[bold yellow]warning:[/] {warning}")
    workspace = Workspace.create()
    try:
        suite = TrustedSuite.prepare(assignment.contract, workspace)
        zygote = suite.start_zygote(workspace, limits, SANDBOX_PORT if caps.netns else 0)

        def run(job: Job) -> dict[str, Any]:
            return grade_project(course=course, assignment=assignment, student=job.student,
                                 submission=job.path, course_dir=course_dir, suite=suite,
                                 workspace=workspace, caps=caps, limits=limits, zygote=zygote)

        run.suite_version = suite.version  # type: ignore[attr-defined]
        try:
            yield run
        finally:
            zygote.close()
    finally:
        try:
            workspace.remove()
        except OSError as exc:
            console.print(f"[bold yellow]warning:[/] could not remove {workspace.root}: {exc}; "
                          "the next `grader grade` removes it")


def _run_batch(course_dir: Path, assignment: Assignment, todo: list[Job], run: Any,
               jobs: int | None, force: bool, console: Console) -> list[dict]:
    """Grade the jobs not yet done, in parallel, with a progress bar; return all results."""
    version = run.suite_version
    pending = [j for j in todo if force or not is_done(course_dir, assignment.name, j, version)]
    if len(pending) < len(todo):
        console.print(f"{len(todo) - len(pending)} submission(s) already graded; skipping "
                      "them (use --force to grade again).")
    workers = max(1, jobs or os.cpu_count() or 1)
    reset_stopping()
    lock = threading.Lock()
    with _progress(console) as progress, ThreadPoolExecutor(max_workers=workers) as pool:
        task = progress.add_task(f"grading {assignment.name}", total=len(pending))
        futures: dict[Future[dict], Job] = {
            pool.submit(_grade_one, course_dir, assignment, job, run, version): job
            for job in pending}
        try:
            for future in as_completed(futures):
                with lock:
                    progress.advance(task)
                future.result()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            kill_running()
            raise
    results = [read_result(results_path(course_dir, j.student, assignment.name)) for j in todo]
    done = [r for r in results if r is not None]
    console.print(summary_table(assignment, done))
    return done


def _grade_one(course_dir: Path, assignment: Assignment, job: Job, run: Any,
               version: str) -> dict:
    """Grade one job; a grader failure becomes a status-error result, never an exception.

    A submission that cannot be graded as handed in (`grader.layout`) is not run: its
    result says "needs attention" and why.
    """
    try:
        problems = layout_problems(assignment, job.path)
        result = attention_result(assignment, job.student, problems,
                                  submission_sha256=safe_hash(job.path),
                                  suite_version=version) if problems else run(job)
    except (OSError, RuntimeError, ValueError, MemoryError) as exc:
        # RecursionError is a RuntimeError; GraderErrors are RuntimeErrors or ValueErrors.
        result = make_result(
            student=job.student, assignment=assignment.name, kind=assignment.kind, tests=[],
            feedback=[f"The grader failed on this submission: {type(exc).__name__}: "
                      f"{str(exc)[:500]}"],
            submission_sha256=safe_hash(job.path), suite_version=version,
            max_score=assignment.points, status="error")
    atomic_write_json(results_path(course_dir, job.student, assignment.name), result)
    write_feedback(course_dir, result, assignment=assignment)
    return result


@contextmanager
def _progress(console: Console) -> Iterator[Progress]:
    """A progress bar: description, bar, done/total, elapsed."""
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=False) as progress:
        yield progress


def summary_table(assignment: Assignment, results: list[dict]) -> Table:
    """A table of every student's score; those that need attention are counted apart and
    show no score (theirs is not a real 0)."""
    attention = sum(1 for r in results if r["status"] == NEEDS_ATTENTION)
    table = Table(title=f"{assignment.name}: {len(results)} result(s)"
                  + (f", {attention} need{'s' if attention == 1 else ''} attention"
                     if attention else ""),
                  caption="needs attention: not run as handed in (no wsgi.py or manage.py "
                  "at the top, or no notebook); its feedback says why" if attention else None)
    for column in ("student", "score", "status", "seconds"):
        table.add_column(column, justify="right" if column != "student" else "left")
    for result in results:
        score = ("—" if result["status"] == NEEDS_ATTENTION else f"{result['score']:g}")
        table.add_row(escape(result["student"]), f"{score} / {result['max_score']:g}",
                      result["status"], f"{result.get('duration', 0):.1f}")
    return table
