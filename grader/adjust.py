"""Adjustments and the late policy: a grade is the autograded score plus what people decide.

The autograded result (``autograded/<student>/<assignment>/results.json``) is never
changed by hand. Beside it, ``adjustments.json`` keeps every manual change, oldest first::

    {"adjustments": [{"points": -5.0, "reason": "copied the README's example key",
                      "by": "instructor", "at": "2026-12-12T09:30:00+00:00"}]}

An entry with ``points`` 0 is a note (a regrade looked at and kept, say). To take a change
back, add the opposite one: the history stays readable.

The late penalty is not stored: it is worked out each time from the policy in course.toml
and the submission time (``submitted/<student>/<assignment>/timestamp.txt``, nbgrader's
format, written by `grader collect` or nbgrader's exchange), so a changed policy or a new
extension applies everywhere at once::

    [late]
    penalty_per_day = 10    # percent of the assignment's points, per day or part of a day
    max_penalty = 50        # percent: the most lateness can take (default 100)
    grace_minutes = 15      # minutes after the deadline that still count as on time

    [[assignment]]
    name = "flask-hub"
    deadline = 2026-12-11T23:59:00Z
    [assignment.extensions]     # per student: a new deadline, or days added
    ana = 2026-12-14T23:59:00Z
    ben = 3

The final grade is the autograded score, plus the adjustments, plus the late penalty,
kept within 0 and the assignment's maximum (`final_grade`).
"""

from __future__ import annotations

import getpass
import json
import math
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from grader.course import Assignment, Course
from grader.errors import AdjustError
from grader.results import TIMESTAMP_NAME, atomic_write_json, parse_timestamp, utc_now

__all__ = [
    "ADJUSTMENTS_NAME",
    "Grade",
    "add_adjustment",
    "adjustments_path",
    "final_grade",
    "late_penalty",
    "read_adjustments",
    "submitted_at",
]

ADJUSTMENTS_NAME = "adjustments.json"


@dataclass
class Grade:
    """One student's grade for one assignment, and how it was reached."""

    student: str
    assignment: str
    status: str
    autograded: float
    max_score: float
    adjustments: list[dict[str, Any]] = field(default_factory=list)
    late: dict[str, Any] | None = None
    final: float = 0.0

    @property
    def adjusted(self) -> float:
        """The manual adjustments, summed."""
        return round(sum(float(a["points"]) for a in self.adjustments), 4)

    @property
    def late_points(self) -> float:
        """The late penalty (0 or less)."""
        return float(self.late["points"]) if self.late else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The grade as plain data (for JSON and templates)."""
        return {**asdict(self), "adjusted": self.adjusted, "late_points": self.late_points}


def adjustments_path(course_dir: Path, student: str, assignment: str) -> Path:
    """autograded/<student>/<assignment>/adjustments.json under the course directory."""
    return Path(course_dir) / "autograded" / student / assignment / ADJUSTMENTS_NAME


def read_adjustments(course_dir: Path, student: str, assignment: str) -> list[dict[str, Any]]:
    """The adjustments of one grade, oldest first ([] when there are none)."""
    path = adjustments_path(course_dir, student, assignment)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise AdjustError(f"{path} is not valid JSON ({exc}); fix it by hand or restore it "
                          "from a backup.") from None
    entries = document.get("adjustments") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and _is_number(e.get("points")) for e in entries):
        raise AdjustError(f"{path} should hold {{\"adjustments\": [{{\"points\": ..., "
                          "\"reason\": ...}}, ...]}}; fix it by hand.")
    return entries


def add_adjustment(course_dir: Path, student: str, assignment: str, points: float,
                   reason: str, by: str | None = None) -> dict[str, Any]:
    """Append one adjustment (or a note, with 0 points); return it."""
    if not _is_number(points) or not math.isfinite(points):
        raise AdjustError(f"--points must be a number such as -5 or 2.5, not {points!r}.")
    reason = " ".join(str(reason).split())
    if not reason:
        raise AdjustError('Say why, for the student and for you later: --reason "..."')
    entry = {"points": float(points), "reason": reason, "by": by or _who(), "at": utc_now()}
    entries = read_adjustments(course_dir, student, assignment)
    atomic_write_json(adjustments_path(course_dir, student, assignment),
                      {"adjustments": [*entries, entry]})
    return entry


def submitted_at(course_dir: Path, student: str, assignment: str) -> datetime | None:
    """When the submission was handed in (its timestamp.txt), or None when unknown."""
    path = Path(course_dir) / "submitted" / student / assignment / TIMESTAMP_NAME
    try:
        return parse_timestamp(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        return None


def late_penalty(course: Course, assignment: Assignment, student: str,
                 handed_in: datetime | None, max_score: float) -> dict[str, Any] | None:
    """The late penalty of one submission, or None when on time, unknown or no deadline.

    ``{"submitted_at", "deadline", "days_late", "points"}``: the deadline is the student's
    own (with an extension), ``days_late`` counts started days past it and the grace time,
    and ``points`` (0 or less) is that many days' penalty, capped.
    """
    deadline = assignment.deadline
    if deadline is None or handed_in is None:
        return None
    extension = assignment.extensions.get(student)
    if isinstance(extension, datetime):
        deadline = extension
    elif extension is not None:
        deadline = deadline + timedelta(days=extension)
    policy = course.late
    over = handed_in - deadline - timedelta(minutes=policy.grace_minutes)
    if over <= timedelta(0):
        return None
    days = math.ceil(over / timedelta(days=1))
    percent = min(policy.max_penalty, policy.penalty_per_day * days)
    return {"submitted_at": handed_in.isoformat(timespec="seconds"),
            "deadline": deadline.isoformat(timespec="seconds"), "days_late": days,
            "points": -round(max_score * percent / 100, 2)}


def final_grade(course: Course, course_dir: Path, result: dict[str, Any]) -> Grade:
    """The grade of one results.json: autograded, adjustments, late penalty, final."""
    student, name = result["student"], result["assignment"]
    max_score = float(result.get("max_score") or 0)
    grade = Grade(student=student, assignment=name, status=str(result.get("status", "")),
                  autograded=float(result.get("score") or 0), max_score=max_score,
                  adjustments=read_adjustments(course_dir, student, name))
    if name in course.assignments:
        grade.late = late_penalty(course, course.get(name), student,
                                  submitted_at(course_dir, student, name), max_score)
    total = grade.autograded + grade.adjusted + grade.late_points
    grade.final = round(min(max(total, 0.0), max_score), 2)
    return grade


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _who() -> str:
    """Who is adjusting: the login name, or "instructor" when there is none."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "instructor"
