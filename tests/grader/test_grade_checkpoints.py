"""Grading the checkpoints of both projects: each stage written earns more, the last all.

Checkpoint K (`grader checkpoint`) is the starter with stages 1..K written. Graded in the
sandbox like any submission (public and hidden tests), the scores of checkpoints 0..5 must
rise strictly, from the release to full marks. Needs root and namespaces; skipped otherwise.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hubtesting import REPO

from grader.batch import grade
from grader.course import load_course
from grader.release import checkpoint
from grader.sandbox import Limits, detect_sandbox

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not detect_sandbox().isolated, reason="needs root and namespaces"),
]


@pytest.mark.parametrize("assignment", ["flask-hub", "django-hub"])
def test_checkpoint_scores_rise_to_full_marks(assignment: str, tmp_path: Path) -> None:
    course = load_course(REPO)
    project = course.get(assignment)
    for stage in range(len(project.stages) + 1):
        checkpoint(project, stage, out=tmp_path / "submitted" / f"checkpoint-{stage}" / assignment)
    results = grade(course, assignment, course_dir=tmp_path, jobs=2,
                    limits=Limits(startup_seconds=30.0))
    scores = {r["student"]: r["score"] for r in results}
    table = "\n".join(f"  {student}: {score:g}/{project.points:g}"
                      for student, score in sorted(scores.items()))
    print(f"\n{assignment}, graded checkpoints:\n{table}")
    assert all(r["status"] == "graded" for r in results), [r["status"] for r in results]
    ordered = [scores[f"checkpoint-{stage}"] for stage in range(len(project.stages) + 1)]
    assert ordered == sorted(set(ordered)), f"scores do not rise strictly: {ordered}"
    assert ordered[-1] == project.points and ordered[0] < ordered[1]
