"""Stripping solution blocks from Python source."""

from __future__ import annotations

import textwrap

import pytest

from grader.errors import GraderError, MarkerError
from grader.markers import find_blocks, strip_source

SOURCE = textwrap.dedent('''
    def area(width, height):
        """Return the area."""
        ### BEGIN SOLUTION
        return width * height
        ### END SOLUTION


    class Room:
        def heat(self, watts):
            if watts < 0:
                ### BEGIN SOLUTION
                raise ValueError("negative")
                ### END SOLUTION
            ### BEGIN SOLUTION
            self.watts = watts
            return self
            ### END SOLUTION
''')


def test_every_block_is_replaced_by_a_not_implemented_error() -> None:
    stripped = strip_source(SOURCE, lesson="lessons/rooms.md")
    assert "BEGIN SOLUTION" not in stripped and "END SOLUTION" not in stripped
    assert "width * height" not in stripped and "self.watts" not in stripped
    assert stripped.count("raise NotImplementedError(") == 3
    assert "write area() - see the lesson lessons/rooms.md" in stripped
    assert "write this part of Room.heat()" in stripped  # heat() has two blocks


def test_placeholder_keeps_the_begin_marker_indentation() -> None:
    lines = strip_source(SOURCE).splitlines()
    raises = [line for line in lines if "raise NotImplementedError" in line]
    assert [len(line) - len(line.lstrip()) for line in raises] == [4, 12, 8]


def test_stripped_code_runs_and_fails_clearly() -> None:
    namespace: dict[str, object] = {}
    exec(compile(strip_source(SOURCE, lesson="lessons/rooms.md"), "area.py", "exec"), namespace)
    with pytest.raises(NotImplementedError, match=r"area\(\).*lessons/rooms.md"):
        namespace["area"](2, 3)  # type: ignore[operator]


def test_source_without_markers_is_unchanged() -> None:
    text = "def f():\n    return 1\n"
    assert strip_source(text) == text
    assert find_blocks(text) == []


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", 2, "never closed"),
        ("def f():\n    return 1\n    ### END SOLUTION\n", 3, "without a"),
        ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    ### END SOLUTION\n"
         "    ### END SOLUTION\n", 3, "cannot nest"),
        ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n", 1, "inside a function body"),
    ],
    ids=["unclosed", "end-without-begin", "nested", "outside-a-function"],
)
def test_bad_markers_name_file_and_line(text: str, line: int, words: str) -> None:
    with pytest.raises(MarkerError, match=f"hub/views.py:{line}: .*{words}"):
        strip_source(text, path="hub/views.py")


def test_markers_splitting_a_statement_are_refused() -> None:
    text = "def f():\n    x = (1,\n    ### BEGIN SOLUTION\n    2)\n    ### END SOLUTION\n"
    with pytest.raises(MarkerError, match="not valid Python once"):
        strip_source(text, path="m.py")


def test_marker_error_is_a_grader_error_and_a_value_error() -> None:
    assert issubclass(MarkerError, GraderError) and issubclass(MarkerError, ValueError)


STAGED = textwrap.dedent('''
    def register(name):
        """Register a device."""
        ### BEGIN SOLUTION (stage 1)
        device = {"name": name}
        ### END SOLUTION
        ### BEGIN SOLUTION (stage 5, addition) refuse a name that is only spaces
        if not name.strip():
            raise ValueError("empty name")
        ### END SOLUTION
        return device


    def post(value):
        ### BEGIN SOLUTION (stage 2)
        return value * 2
        ### END SOLUTION
''')
WHERE = {1: "'Hub', section 'Stage 1'", 2: "'Hub', section 'Stage 2'"}


def run(source: str) -> dict[str, object]:
    """Execute source and return its namespace."""
    namespace: dict[str, object] = {}
    exec(compile(source, "hub.py", "exec"), namespace)
    return namespace


def test_blocks_carry_their_stage_and_kind() -> None:
    blocks = find_blocks(STAGED)
    assert [(b.stage, b.addition) for b in blocks] == [(1, False), (5, True), (2, False)]
    assert blocks[1].task == "refuse a name that is only spaces"


def test_release_strips_every_stage_and_names_stage_and_lesson() -> None:
    stripped = strip_source(STAGED, stages=WHERE)
    assert "stage 1: write register() - see the lesson 'Hub', section 'Stage 1'" in (
        stripped
    )
    assert 'raise NotImplementedError("stage 2: write post() - see the lesson' in stripped
    assert "# TODO stage 5: refuse a name that is only spaces\n" in stripped
    assert stripped.count("raise NotImplementedError(") == 2  # the addition is a comment only
    with pytest.raises(NotImplementedError, match="stage 1"):
        run(stripped)["register"]("kitchen")  # type: ignore[operator]


def test_a_checkpoint_keeps_the_stages_up_to_it() -> None:
    at_one = run(strip_source(STAGED, through=1, stages=WHERE))
    assert at_one["register"]("  ") == {"name": "  "}  # type: ignore[operator]
    with pytest.raises(NotImplementedError, match="stage 2: write post"):
        at_one["post"](2)  # type: ignore[operator]
    full = strip_source(STAGED, through=5)
    assert "SOLUTION" not in full and "TODO" not in full
    with pytest.raises(ValueError, match="empty name"):
        run(full)["register"]("  ")  # type: ignore[operator]
    assert run(full)["post"](2) == 4  # type: ignore[operator]


@pytest.mark.parametrize("rest", ["(stage two)", "(stage 1, extra)", "stage 1", "(stage 0)"])
def test_a_begin_line_with_a_bad_stage_is_refused(rest: str) -> None:
    text = f"def f():\n    ### BEGIN SOLUTION {rest}\n    return 1\n    ### END SOLUTION\n"
    with pytest.raises(MarkerError, match="hub.py:2: write `### BEGIN SOLUTION`"):
        strip_source(text, path="hub.py")


def test_snippet_section_lines_for_the_site_are_left_out() -> None:
    text = (
        "def f():\n    ### BEGIN SOLUTION (stage 1)\n    # --8<-- [start:answer]\n"
        "    return 42\n    # --8<-- [end:answer]\n    ### END SOLUTION\n"
    )
    assert strip_source(text, through=1) == "def f():\n    return 42\n"
    assert "--8<--" not in strip_source(text)


def test_a_method_is_named_with_its_class() -> None:
    text = (
        "class ReadingListView:\n    def post(self):\n        ### BEGIN SOLUTION (stage 2)\n"
        "        return 1\n        ### END SOLUTION\n"
    )
    assert 'NotImplementedError("stage 2: write ReadingListView.post()' in strip_source(text)
