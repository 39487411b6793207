"""`grader check`: the public tests of a starter as a guide through its stages.

The guide itself is starter/contract/hubguide.py (loaded by grader.check); these tests drive
it through `grader check`'s own functions, with tests made by hand where a real run would
be slow, and through a tiny starter where the run itself matters.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from rich.console import Console

from grader.__main__ import main
from grader.check import CheckReport, load_hubguide, next_test, print_report, run_check
from grader.errors import CheckError

hubguide = load_hubguide()
TestResult = hubguide.TestResult

WORK = """
    import pytest


    @pytest.mark.stage(1)
    @pytest.mark.points(1)
    @pytest.mark.hint("The hub says hello.")
    def test_hello():
        from hub import hello
        assert hello() == "hello"


    @pytest.mark.stage(1)
    @pytest.mark.points(2)
    @pytest.mark.hint("Make add() return the sum.")
    def test_add():
        from hub import add
        assert add(2, 2) == 4


    @pytest.mark.stage(2)
    @pytest.mark.points(3)
    @pytest.mark.hint("Make sub() subtract.")
    def test_sub():
        from hub import sub
        assert sub(5, 2) == 3


    def test_without_a_stage():
        from hub import hello
        assert hello().startswith("h")
"""
HUB = """
    def add(a, b):
        raise NotImplementedError("stage 1: write add()")


    def hello():
        return "hello"


    def sub(a, b):
        return a + b
"""
SOLVED_ADD = "def add(a, b):\n    return a + b\n\n\ndef hello():\n    return 'hello'\n\n\n"
SOLVED = SOLVED_ADD + "def sub(a, b):\n    return a - b\n"
STAGE_1_ONLY = SOLVED_ADD + "def sub(a, b):\n    return a + b\n"

# what hubcontract's expect() says when the hub answers a stub's 501
ENVELOPE = ('{"error":{"code":"not_implemented","message":"stage 1: write create_device() - see '
            "the lesson 'Project: the hub in Flask', section 'Stage 1: health and devices'\","
            '"details":null}}')
FIVE_OH_ONE = ("AssertionError: expected status 201\nPOST /api/v1/devices answered 501\n"
               f"  content-type: application/json\n  body: {ENVELOPE}")


def result(name: str, stage: int | None, *, passed: bool = False, points: float = 1,
           hint: str | None = None, message: str | None = "AssertionError: assert 1 == 2",
           outcome: str | None = None) -> TestResult:
    """One test's result, as the plugin would record it."""
    titles = {1: "Health and devices", 2: "Posting readings", 3: "Reading back"}
    return TestResult(name=name, points=points, passed=passed,
                      outcome=outcome or ("passed" if passed else "failed"), hint=hint,
                      message=None if passed else message, stage=stage,
                      stage_title=titles.get(stage))


def guide_text(tests: list[TestResult], *, width: int = 80, show: int | str | None = None) -> str:
    """What `grader check` prints for these tests on a console `width` columns wide."""
    console = Console(record=True, width=width)
    print_report(CheckReport(tests, exit_status=1), console, show=show)
    return console.export_text()


def make_starter(root: Path) -> Path:
    """A tiny starter: stage 1 half done (test_add fails), stage 2 wrong, one test unstaged."""
    files = {"hub/__init__.py": HUB, "wsgi.py": "from hub import hello\n",
             "tests/test_work.py": WORK}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    """A tiny starter of this test's own, to change."""
    return make_starter(tmp_path / "starter")


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> CheckReport:
    """`grader check` of the tiny starter as made (shared: a run costs a second or two)."""
    return run_check(make_starter(tmp_path_factory.mktemp("first") / "starter"))


# --------------------------------------------------------------------------------------------
# the run
# --------------------------------------------------------------------------------------------


def test_each_test_is_recorded_with_its_stage_and_points(first_run: CheckReport) -> None:
    report = first_run
    assert [(t.short_name, t.stage, t.earned, t.points) for t in report.tests] == [
        ("test_hello", 1, 1.0, 1.0),
        ("test_add", 1, 0.0, 2.0),
        ("test_sub", 2, 0.0, 3.0),
        ("test_without_a_stage", None, 1.0, 1.0),
    ]
    # the unstaged test is one of the starter's own: it earns no points beside staged ones
    assert (report.earned, report.possible, report.all_passed) == (1.0, 6.0, False)


def test_next_is_the_first_failing_test_of_the_lowest_unfinished_stage(
    first_run: CheckReport,
) -> None:
    upcoming = next_test(first_run)
    # test_sub is worth more, but stage 1 comes first
    assert upcoming is not None and upcoming.short_name == "test_add"
    assert upcoming.hint == "Make add() return the sum."
    assert upcoming.happened == "NotImplementedError: stage 1: write add()"


def test_once_stage_1_passes_next_moves_to_stage_2(starter: Path) -> None:
    (starter / "hub" / "__init__.py").write_text(STAGE_1_ONLY, encoding="utf-8")
    report = run_check(starter)
    assert next_test(report).short_name == "test_sub"
    assert report.guide.current.number == 2


def test_cli_exit_status_is_1_until_every_test_passes(starter: Path) -> None:
    assert main(["check", "--path", str(starter)]) == 1
    (starter / "hub" / "__init__.py").write_text(SOLVED, encoding="utf-8")
    assert main(["check", "--path", str(starter)]) == 0


def test_cli_shows_the_stage_asked_for(starter: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--path", str(starter), "--stage", "2"])
    shown = capsys.readouterr().out
    assert "Stage 2 (0/3 points, 0/1 tests passed)" in shown and "✗ 0/3  test_sub" in shown
    assert "test_hello" not in shown  # stage 1 is one line: it is not the one shown
    main(["check", "--path", str(starter), "--all"])
    every = capsys.readouterr().out
    assert "✓ 1/1  test_hello" in every and "✗ 0/3  test_sub" in every
    assert "Other tests (1/1 tests passed)" in every


def test_cli_refuses_stage_and_all_together(starter: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["check", "--path", str(starter), "--stage", "2", "--all"])
    assert stopped.value.code == 2


def test_a_run_that_cannot_collect_is_explained(starter: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    (starter / "tests" / "test_broken.py").write_text("def test_x(:\n", encoding="utf-8")
    assert main(["check", "--path", str(starter)]) == 1
    err = capsys.readouterr().err
    assert "could not run" in err and "test_broken.py" in err and "Traceback (most" not in err


def test_outside_a_starter_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match="not a starter project"):
        run_check(tmp_path)


# --------------------------------------------------------------------------------------------
# choosing the stage and the next test
# --------------------------------------------------------------------------------------------


def test_all_of_stage_1_passing_shows_stage_2_in_full() -> None:
    tests = [result("t.py::test_a", 1, passed=True), result("t.py::test_b", 1, passed=True),
             result("t.py::test_c", 2, passed=True), result("t.py::test_d", 2, hint="Do d."),
             result("t.py::test_e", 3)]
    text = guide_text(tests)
    assert "Stage 2: Posting readings (1/2 points, 1/2 tests passed)" in text
    assert "✓ 1/1  test_c" in text and "✗ 0/1  test_d" in text
    assert "test_a" not in text and "test_e" not in text  # other stages: one line each
    assert "→ Stage 2  Posting readings" in text and "✓ Stage 1  Health and devices" in text
    assert "Next, in Stage 2: Posting readings, 1 point:\n  → test_d\n" in text


def test_a_stage_1_failure_keeps_stage_1_current_after_stage_2_passes() -> None:
    tests = [result("t.py::test_a", 1, passed=True), result("t.py::test_b", 1, points=1),
             result("t.py::test_c", 2, passed=True, points=3)]
    guide = hubguide.Guide(tests)
    assert guide.current.number == 1 and guide.next.short_name == "test_b"
    assert [g.complete for g in guide.groups] == [False, True]
    text = guide_text(tests)
    assert "Stage 1: Health and devices (1/2 points" in text
    assert "✓ Stage 2  Posting readings" in text and "→ Stage 1" in text


def test_next_follows_the_order_the_tests_ran_in_not_their_points() -> None:
    tests = [result("t.py::test_first", 2, points=1), result("t.py::test_big", 2, points=3),
             result("t.py::test_early", 1, passed=True)]
    assert hubguide.Guide(tests).next.short_name == "test_first"


def test_unstaged_tests_come_last_and_earn_no_points() -> None:
    tests = [result("tests/test_cli.py::test_cli", None, hint=None),
             result("t.py::test_a", 1, passed=True, points=2)]
    guide = hubguide.Guide(tests)
    assert [g.label for g in guide.groups] == ["Stage 1: Health and devices", "Other tests"]
    assert (guide.earned, guide.possible) == (2.0, 2.0)
    assert guide.next.short_name == "test_cli"  # every stage done: the other tests are next
    text = guide_text(tests)
    assert re.search(r"\n  → Other tests +not graded +0/1 tests\n", text), text
    assert "Next, in Other tests:" in text


def test_everything_passing_says_so() -> None:
    tests = [result("t.py::test_a", 1, passed=True, points=2)]
    text = guide_text(tests)
    assert "Total: 2/2 points, 1/1 tests passed." in text and "Every test passes." in text
    assert "Next" not in text and hubguide.Guide(tests).next is None


def test_without_stages_every_test_counts(tmp_path: Path) -> None:
    tests = [result("t.py::test_a", None, passed=True, points=2), result("t.py::test_b", None)]
    guide = hubguide.Guide(tests)
    assert [g.title for g in guide.groups] == ["Tests"] and guide.possible == 3.0
    assert "Total: 2/3 points, 1/2 tests passed." in guide_text(tests)


# --------------------------------------------------------------------------------------------
# --stage and --all
# --------------------------------------------------------------------------------------------


def test_show_a_stage_or_every_stage() -> None:
    tests = [result("t.py::test_a", 1), result("t.py::test_b", 2), result("t.py::test_c", 3)]
    third = guide_text(tests, show=3)
    assert "Stage 3: Reading back (0/1 points" in third and "test_c" in third
    assert "Stage 1: Health and devices (" not in third
    assert "Next, in Stage 1: Health and devices" in third  # next does not move
    every = guide_text(tests, show="all")
    assert all(f"Stage {k}: " in every for k in (1, 2, 3))
    assert "every stage:" not in every  # no need to say how to see them all


def test_show_a_stage_that_did_not_run_says_so() -> None:
    text = guide_text([result("t.py::test_a", 1)], show=4)
    assert "No test of stage 4 ran (stages that ran: 1)." in text
    assert "Stage 1: Health and devices (" in text


# --------------------------------------------------------------------------------------------
# what happened
# --------------------------------------------------------------------------------------------


def test_what_happened_names_the_status_and_the_hubs_message() -> None:
    assert hubguide.what_happened(FIVE_OH_ONE) == (
        "POST /api/v1/devices answered 501 not_implemented: stage 1: write create_device() - "
        "see the lesson 'Project: the hub in Flask', section 'Stage 1: health and devices'"
    )


def test_what_happened_survives_a_body_cut_short() -> None:
    cut = FIVE_OH_ONE[: FIVE_OH_ONE.index("section")] + "... (900 characters)"
    assert hubguide.what_happened(cut) == (
        "POST /api/v1/devices answered 501 not_implemented: stage 1: write create_device() - "
        "see the lesson 'Project: the hub in Flask', …")


def test_what_happened_with_a_page_instead_of_json() -> None:
    message = ("AssertionError: expected status 404 with code 'not_found'\n"
               "GET /api/v2/health answered 404\n  content-type: text/html; charset=utf-8\n"
               "  body: <!doctype html><title>404 Not Found</title>")
    assert hubguide.what_happened(message) == (
        "GET /api/v2/health answered 404 (text/html; charset=utf-8)")


def test_what_happened_is_the_first_line_of_any_other_error() -> None:
    assert hubguide.what_happened("KeyError: 'api_key'\nmore lines") == "KeyError: 'api_key'"
    assert hubguide.what_happened("AssertionError: assert [9, 5] == [9, 5, 3]") == \
        "assert [9, 5] == [9, 5, 3]"
    body_problem = ("AssertionError: the body does not match the contract (openapi.yaml):\n"
                    "  at api_key: 'short' is too short\nPOST /api/v1/devices answered 201\n"
                    "  content-type: application/json\n  body: {}")
    assert hubguide.what_happened(body_problem) == (
        "the body does not match the contract (openapi.yaml): at api_key: 'short' is too short")


def test_what_happened_to_a_skipped_test_is_its_reason() -> None:
    reason = "Skipped: needs stage 1: registering a device answered 501 not_implemented"
    assert hubguide.what_happened(reason, "skipped") == reason.removeprefix("Skipped: ")


def test_the_guide_shows_hint_and_what_happened_side_by_side() -> None:
    tests = [result("contract/tests/test_devices.py::test_create", 1, points=2,
                    hint="POST /api/v1/devices answers 201.", message=FIVE_OH_ONE)]
    text = guide_text(tests)
    assert "    ✗ 0/2  test_create\n           hint: POST /api/v1/devices answers 201.\n" \
           "           got:  POST /api/v1/devices answered 501 not_implemented: stage 1:" in text


def test_repeated_cases_do_not_repeat_their_hint() -> None:
    tests = [result(f"t.py::test_p[{case}]", 1, hint="The one hint.", message=FIVE_OH_ONE)
             for case in ("a", "b")]
    text = guide_text(tests)
    assert text.count("The one hint.") == 2  # once under test_p[a], once under Next
    assert "test_p[b]\n           got:  the same as above" in text


def test_the_same_answer_for_another_fresh_device_is_the_same_as_above() -> None:
    made_up = [FIVE_OH_ONE.replace("/api/v1/devices answered", f"/api/v1/devices/t-{n * 16}/x "
                                   "answered") for n in "ab"]
    other = FIVE_OH_ONE.replace("/api/v1/devices answered", "/api/v1/devices/other answered")
    tests = [result("t.py::test_a", 2, message=made_up[0]),
             result("t.py::test_b", 2, message=made_up[1]),
             result("t.py::test_c", 2, message=other)]
    text = guide_text(tests)
    assert "test_b\n           got:  the same as above" in text
    assert "test_c\n           got:  POST /api/v1/devices/other answered 501" in text


# --------------------------------------------------------------------------------------------
# 80 columns
# --------------------------------------------------------------------------------------------


def test_everything_fits_80_columns_with_long_ids_and_messages() -> None:
    long_id = ("test_create_device_with_a_wrong_authorization_header_is_refused_with_401"
               "[Bearer-a-very-long-parameter-that-goes-on-and-on-and-on-forever]")
    long_hint = "Check the Authorization header carefully. " * 8
    long_body = FIVE_OH_ONE.replace("write create_device()", "write " + "x" * 300 + "()")
    tests = [result(f"contract/tests/test_devices.py::{long_id}", 1, hint=long_hint,
                    message=long_body),
             result("contract/tests/test_devices.py::" + "n" * 150, 1, message="E" * 400),
             result("tests/test_cli.py::test_cli", None, passed=True)]
    for show in (None, "all", 1):
        text = guide_text(tests, show=show)
        assert max(len(line) for line in text.splitlines()) <= 80, text
    text = guide_text(tests)
    # the id is wrapped, not lost: its pieces, joined, give it back
    pieces = [line.strip() for line in text.splitlines()]
    start = next(i for i, p in enumerate(pieces) if p.startswith("✗ 0/1  test_create"))
    joined = pieces[start].removeprefix("✗ 0/1  ") + "".join(pieces[start + 1:start + 4])
    assert joined.startswith(long_id)


def test_brackets_in_test_ids_and_hints_are_printed_as_text() -> None:
    """Parametrize ids such as [/api/v1/x] and hints with [brackets] are text, not markup."""
    name = "test_errors.py::test_unknown_path_is_404[/api/v1/nothing-here]"
    hint = "Answer [/] paths you do not know with 404 [bold]not_found[/bold]"
    text = guide_text([result(name, 1, hint=hint, points=2)], width=200)
    assert "test_unknown_path_is_404[/api/v1/nothing-here]" in text
    assert hint in text
