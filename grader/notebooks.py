"""Grade notebook submissions with nbgrader: autograde, then its feedback, then results.json.

nbgrader runs the student's notebook in a Jupyter kernel on this machine, as the grader's
user: notebook grading has nbgrader's trust model, not the project sandbox. The grades come
from nbgrader's gradebook (``gradebook.db`` in the course directory); results.json repeats
them in the same shape as a project's, one test per graded cell.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from grader.course import Assignment, Course
from grader.errors import GraderError
from grader.nbconfig import gradebook_url, nbgrader_config, scripts_on_path
from grader.results import hash_tree, make_result

__all__ = ["NotebookError", "notebook_grader"]


class NotebookError(GraderError, RuntimeError):
    """nbgrader could not autograde a notebook submission."""


def course_config(course: Course, course_dir: Path) -> Any:
    """nbgrader's Config with submitted/, autograded/ and feedback/ in the course dir."""
    config = nbgrader_config(course, course_dir=course_dir)
    for name in ("submitted", "autograded", "feedback"):
        setattr(config.CourseDirectory, f"{name}_directory", str(course_dir / name))
    return config


@contextmanager
def notebook_grader(course: Course, assignment: Assignment, course_dir: Path) -> Iterator[Any]:
    """Yield a function grading one student's notebooks; the assignment is in the gradebook."""
    from nbgrader.apps import NbGraderAPI

    from grader.nbconfig import generate_assignment

    course_dir = Path(course_dir).resolve()
    release = course_dir / ".grader-release"
    generate_assignment(course, assignment, release_dir=release, course_dir=course_dir)
    api = NbGraderAPI(config=course_config(course, course_dir))
    version = hash_tree(assignment.source) if assignment.source else ""

    def run(job: Any) -> dict[str, Any]:
        return grade_notebooks(api, assignment, job.student, job.path, course_dir, version)

    run.suite_version = version  # type: ignore[attr-defined]
    yield run


@contextmanager
def closing_event_loop() -> Iterator[None]:
    """Close the event loop nbgrader's kernel client leaves in this thread (and its sockets).

    jupyter_core's run_sync makes one loop per thread and never closes it; a batch's worker
    thread would leak it (and Python warns at exit).
    """
    try:
        yield
    finally:
        try:
            loop = asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:  # no loop in this thread: nothing to close
            loop = None
        if loop is not None and not loop.is_running() and not loop.is_closed():
            loop.close()
            asyncio.set_event_loop(None)


def grade_notebooks(api: Any, assignment: Assignment, student: str, submission: Path,
                    course_dir: Path, version: str) -> dict[str, Any]:
    """Autograde one submission, generate its feedback, return its results.json document."""
    started = time.monotonic()
    with scripts_on_path(), closing_event_loop():
        graded = api.autograde(assignment.name, student, force=True, create=True)
        if not graded.get("success"):
            raise NotebookError(_tail(graded))
        api.generate_feedback(assignment.name, student, force=True)
    tests, feedback = read_grades(course_dir, assignment.name, student)
    return make_result(student=student, assignment=assignment.name, kind="notebook",
                       tests=tests, feedback=feedback, submission_sha256=hash_tree(submission),
                       suite_version=version, max_score=None,
                       duration=time.monotonic() - started)


def read_grades(course_dir: Path, assignment: str,
                student: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Return one test per graded cell, from nbgrader's gradebook, and feedback lines."""
    from nbgrader.api import Gradebook

    tests: list[dict[str, Any]] = []
    feedback: list[str] = []
    with Gradebook(gradebook_url(course_dir)) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in sorted(notebook.grades, key=lambda g: g.name):
                earned = float(grade.score or 0.0)
                tests.append({
                    "name": f"{notebook.name}.ipynb::{grade.name}", "visibility": "public",
                    "points": float(grade.max_score), "earned": earned,
                    "passed": earned >= float(grade.max_score), "hint": None,
                    "outcome": "passed" if earned >= grade.max_score else "failed",
                    "duration": 0.0, "message": None})
                if grade.needs_manual_grade:
                    feedback.append(f"{notebook.name}: {grade.name} needs manual grading.")
    return tests, feedback


def _tail(result: dict[str, Any]) -> str:
    """The last lines of nbgrader's log and error."""
    text = (result.get("log") or "") + (result.get("error") or "")
    return "\n".join(text.strip().splitlines()[-15:]) or "nbgrader autograde failed"
