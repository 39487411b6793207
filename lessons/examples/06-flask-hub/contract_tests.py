"""List the contract's public tests of one stage: what each checks (its hint) and its points.

The tests live in starter/contract/tests/ (contract/tests/ in your starter). Each carries
three marks that the grader reads: ``@pytest.mark.stage(K)``, ``@pytest.mark.points(N)`` and
``@pytest.mark.hint("...")``. ``print_stage(K)`` asks pytest to collect the tests (without
running any) and prints those of stage K, file by file.
"""

from __future__ import annotations

import contextlib
import io
import textwrap
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


class Collector:
    """A pytest plugin that keeps, for every collected test, its file, stage, points and hint."""

    def __init__(self) -> None:
        self.tests: list[tuple[str, str, int, float, str]] = []

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            stage = item.get_closest_marker("stage")
            if stage is None:
                continue
            points = item.get_closest_marker("points").args[0]
            hint = item.get_closest_marker("hint").args[0]
            name = getattr(item, "originalname", item.name)
            self.tests.append((item.path.name, name, stage.args[0], points, hint))


def collect() -> list[tuple[str, str, int, float, str]]:
    """Collect the public contract tests; return (file, test, stage, points, hint) for each."""
    collector = Collector()
    # Collecting runs no hub, so either backend lists the same tests (lesson 12 uses this too).
    args = ["--collect-only", "-q", "-p", "no:cacheprovider", "--backend", "flask",
            str(REPO / "starter" / "contract" / "tests")]
    with contextlib.redirect_stdout(io.StringIO()):
        pytest.main(args, plugins=[collector])
    return collector.tests


def points_text(points: float) -> str:
    """Say a number of points: "1 point", "3 points"."""
    return f"{points:g} point" if points == 1 else f"{points:g} points"


def print_stage(stage: int) -> None:
    """Print the public tests of ``stage``: per file, each test with its cases, points, hint."""
    cases: dict[tuple[str, str], list[float]] = defaultdict(list)
    hints: dict[tuple[str, str], str] = {}
    for file, name, test_stage, points, hint in collect():
        if test_stage == stage:
            cases[file, name].append(points)
            hints[file, name] = hint
    total = sum(sum(points) for points in cases.values())
    count = sum(len(points) for points in cases.values())
    print(f"Stage {stage}: {count} public tests, {points_text(total)}")
    file_before = None
    for (file, name), points in cases.items():
        if file != file_before:
            print(f"{file}")
            file_before = file
        many = f"{len(points)} cases, " if len(points) > 1 else ""
        print(f"  {name} ({many}{points_text(sum(points))})")
        print(textwrap.fill(hints[file, name], width=88, initial_indent="      ",
                            subsequent_indent="      "))
