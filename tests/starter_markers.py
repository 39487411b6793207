"""Helpers for the tests of the two starters' solution markers and their stripped copies.

tests/test_flask_starter.py checks with them that the markers are balanced and sit inside
function bodies, and that a copy stripped through each stage still starts
(tests/test_django_starter.py builds its copies with `grader checkpoint` instead).
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Callable
from pathlib import Path

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
Strip = Callable[[str, Path], str]


def marker_lines(text: str) -> list[tuple[int, str]]:
    """The (line number, BEGIN or END) of every solution marker in ``text``.

    A BEGIN line may go on with its stage: ``### BEGIN SOLUTION (stage 2)``.
    """
    return [
        (number, BEGIN if line.strip().startswith(BEGIN) else END)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip().startswith((BEGIN, END))
    ]


def function_spans(text: str) -> list[tuple[int, int]]:
    """The first and last line of every function in ``text``."""
    return [
        (node.lineno, node.end_lineno or node.lineno)
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def assert_blocks_inside_functions(path: Path) -> list[tuple[int, str]]:
    """Markers alternate BEGIN/END and each block lies in a function body; return them."""
    text = path.read_text(encoding="utf-8")
    markers = marker_lines(text)
    kinds = [marker for _, marker in markers]
    assert kinds == [BEGIN, END] * (len(kinds) // 2), f"{path}: unbalanced or nested markers"
    spans = function_spans(text)
    for begin, _ in markers[::2]:
        assert any(first < begin <= last for first, last in spans), (
            f"{path}:{begin}: a solution block outside a function body"
        )
    return markers


def copy_stripped(starter: Path, target: Path, strip: Strip, ignore: list[str]) -> Path:
    """Copy a starter to target, leaving out `ignore` patterns, with every .py stripped."""
    shutil.copytree(starter, target, ignore=shutil.ignore_patterns("__pycache__", *ignore))
    for path in target.rglob("*.py"):
        path.write_text(strip(path.read_text(encoding="utf-8"), path), encoding="utf-8")
    return target
