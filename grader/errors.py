"""The grader's exceptions.

One root, and each leaf also inherits the built-in it resembles, so callers may catch
either::

    GraderError(Exception)
     ├── CourseError(GraderError, ValueError)       a bad course.toml or unknown assignment
     ├── MarkerError(GraderError, ValueError)       unbalanced or nested solution markers
     ├── ReleaseError(GraderError, RuntimeError)    a release step failed
     ├── ExportError(GraderError, RuntimeError)     the gradebook could not be exported
     ├── CheckError(GraderError, RuntimeError)      `grader check` could not run the tests
     ├── AdjustError(GraderError, ValueError)       a bad adjustment or adjustments.json
     ├── ShardError(GraderError, ValueError)        a bad --shard I/N
     ├── MergeError(GraderError, RuntimeError)      shards' results that cannot be merged
     ├── ReportError(GraderError, RuntimeError)     nothing to report, or no course directory
     ├── FeedbackError(GraderError, RuntimeError)   no result or no exchange to hand back
     └── CollectError(GraderError, ValueError)      collect cannot read its SOURCE or --times

The command line catches `GraderError`, prints its message and exits 1: the message must
say what is wrong and what to do about it.
"""

from __future__ import annotations

__all__ = [
    "AdjustError",
    "CheckError",
    "CollectError",
    "CourseError",
    "ExportError",
    "FeedbackError",
    "GraderError",
    "MarkerError",
    "MergeError",
    "ReleaseError",
    "ReportError",
    "ShardError",
]


class GraderError(Exception):
    """Root of every error the grader reports to a person."""


class CourseError(GraderError, ValueError):
    """The course manifest is missing or wrong, or names no such assignment."""


class MarkerError(GraderError, ValueError):
    """Solution markers are unbalanced or nested; the message names file and line."""


class ReleaseError(GraderError, RuntimeError):
    """Releasing an assignment failed."""


class ExportError(GraderError, RuntimeError):
    """Exporting the gradebook failed."""


class CheckError(GraderError, RuntimeError):
    """`grader check` could not run the public tests."""


class AdjustError(GraderError, ValueError):
    """An adjustment cannot be made, or adjustments.json is not what it should be."""


class ShardError(GraderError, ValueError):
    """--shard is not I/N with 1 <= I <= N, or does not go with the other options."""


class MergeError(GraderError, RuntimeError):
    """Shards' results cannot be merged: a student graded twice differently, a shard that
    is not a course directory, a different suite version."""


class ReportError(GraderError, RuntimeError):
    """`grader report` has nothing to report: no course directory, no submission."""


class FeedbackError(GraderError, RuntimeError):
    """Feedback cannot be handed back: no graded result, no exchange to release into."""


class CollectError(GraderError, ValueError):
    """`grader collect` cannot read its SOURCE (missing, not a folder or a zip, too large)
    or its --times CSV; one student's unreadable submission is not an error, but a refusal."""
