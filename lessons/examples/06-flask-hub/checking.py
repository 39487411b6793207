"""Showing what a hub answered, and running ``grader check``: for the examples of the two
projects' lessons (6, the Flask hub; 12, the Django hub, through a link to this file).

``starter_at(assignment, K)`` writes the starter as it looks once stage K is done (what
``grader checkpoint ASSIGNMENT K`` writes; 0 is the starter as you get it) into a temporary
folder and yields that folder; ``grader_check(folder, ...)`` runs ``grader check`` there and
returns what it prints.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[3]


@contextlib.contextmanager
def starter_at(assignment: str, stage: int) -> Iterator[Path]:
    """Write the starter solved through ``stage`` into a temporary folder; yield the folder."""
    from grader.course import load_course
    from grader.release import checkpoint

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / assignment
        checkpoint(load_course(REPO).get(assignment), stage, out=folder)
        yield folder


RANDOM_ID = re.compile(r"-[0-9a-f]{16}\b")
"""The random part of the device ids the tests make (``t-05e66c5506a94369``)."""


def grader_check(folder: Path, *args: str) -> str:
    """Run ``grader check`` in a starter folder; return what it prints, 88 columns wide.

    The tests make devices with random ids, new on every run; their random part is shown
    as ``<random>``, so that the output is the same every time.
    """
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "88", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "grader", "check", *args],
        cwd=folder, env=env, capture_output=True, text=True, check=False,
    )
    return RANDOM_ID.sub("-<random>", done.stdout)


def stage_table(guide: str) -> str:
    """The first lines of what ``grader check`` prints: the table of the stages."""
    lines = guide.splitlines()
    return "\n".join(lines[: lines.index("")])


def show(response: httpx.Response) -> None:
    """Print the request and the answer's status; for an error, its code and message."""
    request = response.request
    target = request.url.raw_path.decode()
    print(f"{request.method} {target} -> {response.status_code}")
    if response.is_error and response.headers.get("content-type") == "application/json":
        body = response.json()
        if "error" in body:
            print(f"    {body['error']['code']}: {body['error']['message']}")
        else:  # not the contract's envelope: show the body as it came
            print(f"    body: {body}")
