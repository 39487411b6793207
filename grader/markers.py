"""Strip solution blocks from Python source, the way nbgrader clears solution cells.

A solution block runs from a `### BEGIN SOLUTION` comment line through the next
`### END SOLUTION` line, inside a function body::

    def create_app(config=None):
        \"\"\"Build the app.\"\"\"
        ### BEGIN SOLUTION
        app = Flask(__name__)
        ...
        return app
        ### END SOLUTION

becomes, at the BEGIN line's indentation::

    def create_app(config=None):
        \"\"\"Build the app.\"\"\"
        # TODO: write this part of create_app() - see the lesson lessons/flask-hub.md
        raise NotImplementedError("write this part of create_app() - see the lesson ...")

Unbalanced or nested markers, markers outside a function body, and markers in files that
are not Python are all a MarkerError naming the file and line.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

from grader.errors import MarkerError

__all__ = [
    "BEGIN", "END", "Block", "find_blocks", "has_markers", "marker_lines", "strip_file",
    "strip_source",
]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_PENDING = "__grader_pending_function__"
_MARKER = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>### (?:BEGIN|END) SOLUTION)\b")


@dataclass(frozen=True)
class Block:
    """One solution block: 1-based line numbers of its markers and its indentation."""

    begin: int
    end: int
    indent: str


def has_markers(text: str) -> bool:
    """True when any line of `text` is a solution marker."""
    return bool(marker_lines(text))


def marker_lines(text: str) -> list[int]:
    """The 1-based numbers of the solution marker lines of `text`."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if _MARKER.match(line)]


def find_blocks(text: str, *, path: str | Path = "<string>") -> list[Block]:
    """Return the solution blocks of `text`; MarkerError if they are unbalanced or nested."""
    blocks: list[Block] = []
    open_line: int | None = None
    indent = ""
    for number, line in enumerate(text.splitlines(), start=1):
        match = _MARKER.match(line)
        if match is None:
            continue
        if match["marker"] == BEGIN:
            if open_line is not None:
                raise MarkerError(
                    f"{path}:{number}: `{BEGIN}` inside the block opened at line {open_line}; "
                    "blocks cannot nest - close the first one with "
                    f"`{END}` first."
                )
            open_line, indent = number, match["indent"]
        else:
            if open_line is None:
                raise MarkerError(f"{path}:{number}: `{END}` without a `{BEGIN}` before it.")
            blocks.append(Block(begin=open_line, end=number, indent=indent))
            open_line = None
    if open_line is not None:
        raise MarkerError(f"{path}:{open_line}: `{BEGIN}` is never closed by `{END}`.")
    return blocks


def strip_source(text: str, *, path: str | Path = "<string>", lesson: str | None = None) -> str:
    """Replace every solution block of Python `text` with a TODO and NotImplementedError."""
    blocks = find_blocks(text, path=path)
    if not blocks:
        return text
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    raise_lines: list[int] = []
    previous = 0
    for block in blocks:
        out.extend(lines[previous : block.begin - 1])
        out.extend(_placeholder(block.indent, _PENDING, lesson))
        raise_lines.append(len(out))
        previous = block.end
    out.extend(lines[previous:])
    stripped = "".join(out)
    names = _enclosing_functions(stripped, raise_lines, blocks, path=path)
    for name in names:
        stripped = stripped.replace(_PENDING, name, 2)
    return stripped


def strip_file(path: Path, *, lesson: str | None = None) -> bool:
    """Strip the solution blocks of a Python file in place; True if it had any."""
    text = path.read_text(encoding="utf-8")
    if not has_markers(text):
        return False
    path.write_text(strip_source(text, path=path, lesson=lesson), encoding="utf-8")
    return True


def _enclosing_functions(
    stripped: str, raise_lines: list[int], blocks: list[Block], *, path: str | Path
) -> list[str]:
    """Return the innermost function around each placeholder `raise` of the stripped text."""
    tree = _parse_stripped(stripped, path)
    spans = [
        (node.lineno, node.end_lineno or node.lineno, node.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    names = []
    for line, block in zip(raise_lines, blocks, strict=True):
        holders = [span for span in spans if span[0] < line <= span[1]]
        if not holders:
            raise MarkerError(
                f"{path}:{block.begin}: solution markers must sit inside a function body."
            )
        names.append(max(holders)[2])
    return names


def _placeholder(indent: str, function: str, lesson: str | None) -> list[str]:
    """Return the lines that stand in for a stripped block."""
    task = f"write this part of {function}()"
    if lesson:
        task += f" - see the lesson {lesson}"
    message = json.dumps(task, ensure_ascii=False)
    return [f"{indent}# TODO: {task}\n", f"{indent}raise NotImplementedError({message})\n"]


def _parse_stripped(text: str, path: str | Path) -> ast.Module:
    """Parse stripped source; MarkerError when stripping left invalid Python."""
    try:
        return ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise MarkerError(
            f"{path}: the file is not valid Python once its solution blocks are stripped "
            f"({exc.msg}, line {exc.lineno} of the stripped file); put each block's markers "
            "around whole statements."
        ) from None
