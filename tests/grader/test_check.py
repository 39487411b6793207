"""`grader check`: a student's run of the public tests, with points, hints and a next step."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from grader.__main__ import main
from grader.check import next_test, print_report, run_check
from grader.errors import CheckError

WORK = """
    import pytest


    @pytest.mark.points(3)
    @pytest.mark.hint("Make add() return the sum.")
    def test_add():
        from hub import add
        assert add(2, 2) == 4


    @pytest.mark.points(1)
    @pytest.mark.hint("The hub says hello.")
    def test_hello():
        from hub import hello
        assert hello() == "hello"


    @pytest.mark.points(3)
    @pytest.mark.hint("Make sub() subtract.")
    def test_sub():
        from hub import sub
        assert sub(5, 2) == 3
"""
HUB = """
    def add(a, b):
        raise NotImplementedError("write this part of add()")


    def hello():
        return "hello"


    def sub(a, b):
        return a + b
"""


@pytest.fixture
def starter(tmp_path: Path, write_tree) -> Path:
    """A tiny starter: a hub package, wsgi.py and three tests worth 3, 1 and 3 points."""
    return write_tree(tmp_path / "starter", {
        "hub/__init__.py": HUB, "wsgi.py": "from hub import hello\n", "tests/test_work.py": WORK,
    })


def test_points_per_test_and_the_total(starter: Path) -> None:
    report = run_check(starter)
    assert [(t.name, t.earned, t.points) for t in report.tests] == [
        ("tests/test_work.py::test_add", 0.0, 3.0),
        ("tests/test_work.py::test_hello", 1.0, 1.0),
        ("tests/test_work.py::test_sub", 0.0, 3.0),
    ]
    assert (report.earned, report.possible, report.all_passed) == (1.0, 7.0, False)


def test_next_is_the_first_failing_test_worth_the_most(starter: Path) -> None:
    upcoming = next_test(run_check(starter))
    assert upcoming is not None and upcoming.name.endswith("test_add")
    assert upcoming.hint == "Make add() return the sum."


def test_report_shows_marks_hints_and_the_next_step(starter: Path) -> None:
    console = Console(record=True, width=200)
    print_report(run_check(starter), console)
    text = console.export_text()
    assert "✓" in text and "✗" in text
    assert "Make sub() subtract." in text and "The hub says hello." not in text
    assert "Total: 1/7 points, 1/3 tests passed." in text
    assert "Next: tests/test_work.py::test_add (3 points) - Make add() return the sum." in text


def test_cli_exit_status_is_1_until_every_test_passes(starter: Path) -> None:
    assert main(["check", "--path", str(starter)]) == 1
    (starter / "hub" / "__init__.py").write_text(
        "def add(a, b):\n    return a + b\n\n\ndef hello():\n    return 'hello'\n\n\n"
        "def sub(a, b):\n    return a - b\n", encoding="utf-8")
    assert main(["check", "--path", str(starter)]) == 0


def test_a_run_that_cannot_collect_is_explained(starter: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    (starter / "tests" / "test_broken.py").write_text("def test_x(:\n", encoding="utf-8")
    assert main(["check", "--path", str(starter)]) == 1
    err = capsys.readouterr().err
    assert "could not run" in err and "test_broken.py" in err and "Traceback (most" not in err


def test_outside_a_starter_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match="not a starter project"):
        run_check(tmp_path)


def test_brackets_in_test_ids_and_hints_are_printed_as_text() -> None:
    """Parametrize ids such as [/api/v1/x] and hints with [brackets] are text, not markup."""
    from grader.check import CheckReport, TestLine

    name = "test_errors.py::test_unknown_path_is_404[/api/v1/nothing-here]"
    hint = "Answer [/] paths you do not know with 404 [bold]not_found[/bold]"
    report = CheckReport([TestLine(name, 2.0, False, "failed", hint, None)], exit_status=1)
    console = Console(record=True, width=300)
    print_report(report, console)
    text = console.export_text()
    assert name in text
    assert hint in text
