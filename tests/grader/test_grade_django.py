"""Grading a Django submission in the sandbox: migrate, then gunicorn config.wsgi:application.

One copy of the Django reference starter, graded through the same batch as the Flask
ones; it must get full marks. Needs root and network namespaces; skipped otherwise.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from submissions import snapshot_course

from grader.batch import grade
from grader.sandbox import Limits, detect_sandbox

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not detect_sandbox().isolated, reason="needs root and namespaces"),
]


def test_django_reference_gets_full_marks(tmp_path: Path) -> None:
    """The Django starter, as a student would submit it, passes every contract test."""
    course = snapshot_course(tmp_path / "repo", django=True)
    submission = tmp_path / "course" / "submitted" / "dj" / "django-hub"
    shutil.copytree(course.get("django-hub").source, submission)
    [result] = grade(course, "django-hub", course_dir=tmp_path / "course", jobs=1,
                     limits=Limits(startup_seconds=30.0))
    assert result["status"] == "graded", result["feedback"]
    assert [t["name"] for t in result["tests"] if not t["passed"]] == []
    assert result["score"] == result["max_score"] > 0
    assert result["timings"]["server_start"] > 0 and result["timings"]["suite_tests"] > 0
