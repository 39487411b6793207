"""results.json: the one file a graded submission leaves behind.

The grader, never the student's code, writes it, and always atomically: a temporary file
in the same directory, flushed to disk, then `os.replace`. A crash or `kill -9` therefore
leaves either the old file or the new one, never half of one.

    {"student", "assignment", "kind", "status": "graded" | "error" | "needs attention",
     "score", "max_score", "tests": [{"name", "visibility", "points", "earned", "passed",
     "hint", "duration", "message"}], "feedback": [...], "server_log_tail",
     "submission_sha256", "suite_version", "grader_version", "graded_at", "duration"}

A project's tests also carry "outcome", "stage" (the project stage the test checks, or
null) and "stage_title", in the order they ran (stage by stage). Readers must not expect
these three: results written before stages existed, and notebook results, lack them.

A project's result also says how it was graded: "sandbox" is "bubblewrap" (the full
sandbox) or "none" (``--unsafe-no-sandbox``); a submission refused at intake (over the
course's limits) has status "error", no tests, and "refused": "intake".

A submission that cannot be graded as handed in (no wsgi.py at its top for a Flask
project, no manage.py for Django, none of a notebook assignment's notebooks; see
`grader.layout`) is not run: its result has status "needs attention", score 0, no tests,
and its feedback says what was found and what to do. It is never a real 0: the next
`grader grade` looks at it again.

The submission's hash (`hash_tree`) leaves out ``timestamp.txt`` at its top, the
submission time nbgrader's exchange and `grader collect` write there: a new time alone
does not make a new submission.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grader.trees import walk

__all__ = [
    "GRADER_VERSION",
    "RESULTS_NAME",
    "TIMESTAMP_NAME",
    "atomic_write_bytes",
    "format_points",
    "format_timestamp",
    "parse_timestamp",
    "atomic_write_json",
    "atomic_write_text",
    "hash_tree",
    "make_result",
    "read_result",
    "results_path",
]

GRADER_VERSION = "0.1.0"
RESULTS_NAME = "results.json"
TIMESTAMP_NAME = "timestamp.txt"  # submitted/<student>/<assignment>/timestamp.txt (nbgrader's)


def results_path(course_dir: Path, student: str, assignment: str) -> Path:
    """Return autograded/<student>/<assignment>/results.json under the course directory."""
    return Path(course_dir) / "autograded" / student / assignment / RESULTS_NAME


def iter_files(root: Path) -> list[Path]:
    """Return the files under root that define it, sorted, skipping caches and symlinks.

    The walk is a loop, not a recursion (`grader.trees.walk`): a submission 1,100
    directories deep is hashed like any other.
    """
    root = Path(root)
    found = [rel for rel, info, _depth in walk(root) if stat.S_ISREG(info.st_mode)]
    return [root / rel for rel in sorted(found)]


def hash_tree(root: Path) -> str:
    """Return a sha256 over the sorted relative paths and contents of the files under root,
    leaving out the submission time (``timestamp.txt`` at its top)."""
    digest = hashlib.sha256()
    for path in iter_files(Path(root)):
        rel = path.relative_to(root).as_posix()
        if rel == TIMESTAMP_NAME:
            continue
        name = rel.encode()
        digest.update(len(name).to_bytes(8, "big") + name)
        with open(path, "rb") as handle:
            digest.update(os.fstat(handle.fileno()).st_size.to_bytes(8, "big"))
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def format_points(value: float | None) -> str:
    """A score as people write it: empty for None, no trailing .0, two decimals at most,
    never "-0"."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_timestamp(when: datetime) -> str:
    """nbgrader's timestamp.txt format: ``2026-12-01 14:03:00.000000 UTC``."""
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def parse_timestamp(text: str) -> datetime:
    """Read nbgrader's timestamp format, or ISO 8601 (UTC when it has no offset); raise
    ValueError for anything else."""
    text = text.strip()
    if text.endswith(" UTC"):
        text = text[:-4] + "+00:00"
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_now() -> str:
    """Return the current time as ISO 8601 UTC with an offset."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def make_result(
    *,
    student: str,
    assignment: str,
    kind: str,
    tests: list[dict[str, Any]],
    feedback: list[str],
    submission_sha256: str,
    suite_version: str,
    max_score: float | None = None,
    status: str = "graded",
    server_log_tail: str = "",
    duration: float = 0.0,
) -> dict[str, Any]:
    """Build a results.json document; score is the sum of earned points."""
    score = round(sum(float(t["earned"]) for t in tests), 4)
    possible = round(sum(float(t["points"]) for t in tests), 4)
    return {
        "student": student,
        "assignment": assignment,
        "kind": kind,
        "status": status,
        "score": score,
        "max_score": float(max_score) if max_score is not None else possible,
        "tests": tests,
        "feedback": feedback,
        "server_log_tail": server_log_tail,
        "submission_sha256": submission_sha256,
        "suite_version": suite_version,
        "grader_version": GRADER_VERSION,
        "graded_at": utc_now(),
        "duration": round(duration, 3),
    }


def atomic_write_json(path: Path, document: Any) -> None:
    """Write document as JSON to path atomically: tmp file in the same dir, fsync, replace."""
    atomic_write_text(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def atomic_write_text(path: Path, text: str) -> None:
    """Write text to path atomically: tmp file in the same dir, fsync, then os.replace."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write data to path atomically: tmp file in the same dir, fsync, then os.replace."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_result(path: Path) -> dict[str, Any] | None:
    """Return the parsed results.json at path, or None when missing or not a complete one."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(document, dict) or "score" not in document:
        return None
    return document
