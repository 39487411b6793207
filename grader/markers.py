"""Strip solution blocks from Python source, the way nbgrader clears solution cells.

A solution block runs from a `### BEGIN SOLUTION` comment line through the next
`### END SOLUTION` line, inside a function body. In a project climbed in stages, the BEGIN
line names the block's stage::

    def create_device():
        \"\"\"Register a device.\"\"\"
        ### BEGIN SOLUTION (stage 1)
        data = validate(DeviceCreate, read_json())
        ...
        ### END SOLUTION

Stripped, a block becomes, at the BEGIN line's indentation::

        # TODO stage 1: write create_device() - see 'The hub in Flask' > 'Stage 1: ...'
        raise NotImplementedError("stage 1: write create_device() - see ...")

An *addition* is a block that adds a check to code that already works without it, so its
stripped form is the TODO comment alone (the text after the parenthesis says what to add)::

        ### BEGIN SOLUTION (stage 5, addition) refuse a mean that overflowed
        ...
        ### END SOLUTION

`strip_source(..., through=K)` keeps the blocks of stages 1..K (only their marker lines go):
that is a checkpoint, the starter as it looks once stage K is done. Blocks without a stage
are always stripped. The lines that name a listing's section for the course site
(`# --8<-- [start:name]`, `# --8<-- [end:name]`) go too: they are for the lessons.

Unbalanced or nested markers, a BEGIN line whose parenthesis is not `(stage N)` or
`(stage N, addition)`, markers outside a function body, and markers in files that are not
Python are all a MarkerError naming the file and line.
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from grader.errors import MarkerError

__all__ = [
    "BEGIN", "END", "Block", "find_blocks", "has_markers", "marker_lines", "strip_file",
    "strip_source",
]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_MARKER = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>### (?:BEGIN|END) SOLUTION)\b(?P<rest>.*)$")
# A named section for the course site's listings (pymdownx.snippets): lesson plumbing, so a
# stripped file or a checkpoint leaves these lines out.
_SNIPPET = re.compile(r"^[ \t]*# --8<-- \[(?:start|end):[\w-]+\][ \t]*\n?$")
_STAGE = re.compile(r"^\(stage (?P<stage>[1-9][0-9]?)(?P<addition>, addition)?\)(?P<text>.*)$")


@dataclass(frozen=True)
class Block:
    """One solution block: 1-based line numbers of its markers, its indentation, its stage.

    `stage` is None for a block without one; `addition` is True for a block whose stripped
    form is a TODO comment alone; `task` is the text after the parenthesis ("" if none).
    """

    begin: int
    end: int
    indent: str
    stage: int | None = None
    addition: bool = False
    task: str = ""


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
    stage, addition, task = None, False, ""
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
            stage, addition, task = _parse_begin(match["rest"], path=path, line=number)
        else:
            if open_line is None:
                raise MarkerError(f"{path}:{number}: `{END}` without a `{BEGIN}` before it.")
            blocks.append(Block(open_line, number, indent, stage, addition, task))
            open_line = None
    if open_line is not None:
        raise MarkerError(f"{path}:{open_line}: `{BEGIN}` is never closed by `{END}`.")
    return blocks


def _parse_begin(rest: str, *, path: str | Path, line: int) -> tuple[int | None, bool, str]:
    """Read what follows `### BEGIN SOLUTION`: (stage, addition, task)."""
    rest = rest.strip()
    if not rest:
        return None, False, ""
    match = _STAGE.match(rest)
    if match is None:
        raise MarkerError(
            f"{path}:{line}: write `{BEGIN}`, `{BEGIN} (stage N)` or "
            f"`{BEGIN} (stage N, addition) what to add`, not `{BEGIN} {rest}`."
        )
    return int(match["stage"]), bool(match["addition"]), match["text"].strip()


def strip_source(
    text: str,
    *,
    path: str | Path = "<string>",
    lesson: str | None = None,
    through: int = 0,
    stages: Mapping[int, str] | None = None,
) -> str:
    """Strip the solution blocks of Python `text`, keeping those of stages 1..`through`.

    A stripped block becomes a TODO and a NotImplementedError (an addition: the TODO alone).
    `stages` maps a stage to where it is taught (used in the messages); `lesson` is named
    for blocks whose stage it does not cover.
    """
    blocks = find_blocks(text, path=path)
    if not blocks:
        return text
    functions = _enclosing_functions(text, blocks, path=path)  # (first line, name) per block
    stubs_per_function = Counter(
        function for function, block in zip(functions, blocks, strict=True) if not block.addition
    )
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    previous = 0
    for block, function in zip(blocks, functions, strict=True):
        out.extend(lines[previous : block.begin - 1])
        if block.stage is not None and block.stage <= through:
            out.extend(lines[block.begin : block.end - 1])  # kept: only the markers go
        else:
            where = (stages or {}).get(block.stage or 0) or lesson
            whole = stubs_per_function[function] == 1
            out.extend(_placeholder(block, function[1], where, whole=whole))
        previous = block.end
    out.extend(lines[previous:])
    result = "".join(line for line in out if not _SNIPPET.match(line))
    _parse_stripped(result, path)
    return result


def strip_file(
    path: Path,
    *,
    lesson: str | None = None,
    through: int = 0,
    stages: Mapping[int, str] | None = None,
) -> bool:
    """Strip the solution blocks of a Python file in place; True if it had any."""
    text = path.read_text(encoding="utf-8")
    if not has_markers(text):
        return False
    stripped = strip_source(text, path=path, lesson=lesson, through=through, stages=stages)
    path.write_text(stripped, encoding="utf-8")
    return True


def _enclosing_functions(
    text: str, blocks: list[Block], *, path: str | Path
) -> list[tuple[int, str]]:
    """Return the innermost function around each block of `text`: (its first line, its name)."""
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        raise MarkerError(f"{path}:{exc.lineno}: not valid Python ({exc.msg}).") from None
    methods = {  # a method is named with its class: "write ReadingListView.post()"
        id(item): f"{node.name}.{item.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        for item in node.body
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    spans = [
        (node.lineno, node.end_lineno or node.lineno, methods.get(id(node), node.name))
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    names = []
    for block in blocks:
        holders = [span for span in spans if span[0] < block.begin <= span[1]]
        if not holders or block.end - block.begin < 2:
            raise MarkerError(
                f"{path}:{block.begin}: solution markers must sit inside a function body, "
                "around whole statements."
            )
        first, _, name = max(holders)
        names.append((first, name))
    return names


def _placeholder(block: Block, function: str, where: str | None, *, whole: bool) -> list[str]:
    """Return the lines that stand in for a stripped block: a TODO, and a raise for a stub.

    `whole` says the block is the only stub of its function ("write f()", not "this part of").
    """
    stage = f"stage {block.stage}: " if block.stage is not None else ""
    see = f" - see the lesson {where}" if where else ""
    if block.addition:
        task = block.task or f"add the stage {block.stage} part of {function}()"
    else:
        task = block.task or f"write {'' if whole else 'this part of '}{function}()"
    todo = f"{block.indent}# TODO{' ' + stage if stage else ': '}{task}"
    if block.addition:
        return [f"{todo}{see}\n"]
    message = json.dumps(f"{stage}{task}{see}", ensure_ascii=False)  # the raise names the lesson
    return [f"{todo}\n", f"{block.indent}raise NotImplementedError({message})\n"]


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
