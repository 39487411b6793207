"""Helpers for the tests of the two starters' solution markers and their stripped copies.

tests/test_flask_starter.py and tests/test_django_starter.py both check that the markers
are balanced and sit inside function bodies, and that a stripped copy still starts; the
checks differ per framework, the tools below do not.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from grader.markers import strip_source

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*\n",
    re.MULTILINE | re.DOTALL,
)
Strip = Callable[[str, Path], str]


def regex_strip(text: str, path: Path) -> str:
    """Replace each solution block with a raise at the BEGIN marker's indentation."""
    return BLOCK.sub(lambda m: f'{m["indent"]}raise NotImplementedError("write this")\n', text)


def grader_strip(text: str, path: Path) -> str:
    """Strip the way ``grader release`` does."""
    return strip_source(text, path=path)


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
