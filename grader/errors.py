"""The grader's exceptions.

One root, and each leaf also inherits the built-in it resembles, so callers may catch
either::

    GraderError(Exception)
     ├── CourseError(GraderError, ValueError)       a bad course.toml or unknown assignment
     ├── MarkerError(GraderError, ValueError)       unbalanced or nested solution markers
     ├── ReleaseError(GraderError, RuntimeError)    a release step failed
     ├── ExportError(GraderError, RuntimeError)     the gradebook could not be exported
     └── CheckError(GraderError, RuntimeError)      `grader check` could not run the tests

The command line catches `GraderError`, prints its message and exits 1: the message must
say what is wrong and what to do about it.
"""

from __future__ import annotations

__all__ = [
    "CheckError",
    "CourseError",
    "ExportError",
    "GraderError",
    "MarkerError",
    "ReleaseError",
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
