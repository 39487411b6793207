"""The guide: the tests grouped by stage, and what to work on next, in plain text.

The project is climbed in stages (see ``STAGES`` in hubcontract.py). After a run of the tests
the guide shows

- one line per stage: its points and tests, ✓ when it is complete;
- the current stage in full: the lowest stage with a failing test. Each test has ✓ or ✗,
  its points and, when it fails, its hint and what actually happened (the hub's answer:
  its status and error message, or the first line of the error);
- the total, then *Next*: the first failing test of the current stage, in the order the
  tests ran (hubcontract sorts them into teaching order).

Tests without a stage (a starter's own tests, such as tests/test_cli.py) form one more
group, "Other tests"; they are not graded, so they show no points.

One implementation, two places, so a student gets the same guidance from both:

- hubcontract.py prints it at the end of ``python -m pytest`` in a starter;
- ``grader check`` (grader/check.py) prints it with colours through rich.

This module is plain Python (no pytest, no rich): it turns test records into ``Line``
objects, each at most ``width`` characters long, and a printer gives them colour.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = [
    "Answer",
    "Guide",
    "Line",
    "StageGroup",
    "TestResult",
    "group_by_stage",
    "parse_answer",
    "render",
    "stage_label",
    "what_happened",
]

MIN_WIDTH = 50
MAX_GOT_LINES = 3
OTHER_TITLE = "Other tests"
T = TypeVar("T")

# "POST /api/v1/devices answered 501" and the body, as hubcontract's describe() writes them
_ANSWER = re.compile(r"(?P<method>[A-Z]+) (?P<path>\S+) answered (?P<status>\d{3})")
_CONTENT_TYPE = re.compile(r"^\s*content-type: (?P<type>.*)$", re.M)
_BODY = re.compile(r"^\s*body: (?P<body>.*)$", re.M)
_JSON_TEXT = r'"((?:[^"\\]|\\.)*)("?)'  # a JSON string, perhaps cut short at the end
_CODE = re.compile(r'"code"\s*:\s*' + _JSON_TEXT)
_MESSAGE = re.compile(r'"message"\s*:\s*' + _JSON_TEXT)
_CUT = re.compile(r"\.\.\. \(\d+ characters\)$")  # how describe() ends a long body
_MADE_UP_ID = re.compile(r"-[0-9a-f]{16}\b")  # the tests' fresh device ids: t-0123456789abcdef


# --------------------------------------------------------------------------------------------
# one test's result
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TestResult:
    """One test's outcome, as the guide sees it.

    ``outcome`` is passed, failed, error, skipped, timeout or not_run; ``message`` is the
    first lines of the failure (or the reason of a skip); ``stage`` is None for a test
    that belongs to no stage.
    """

    __test__ = False  # not a test class, whatever pytest thinks of its name

    name: str
    points: float
    passed: bool
    outcome: str = "failed"
    hint: str | None = None
    message: str | None = None
    stage: int | None = None
    stage_title: str | None = None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> TestResult:
        """Build one from a record of grader.plugin (``nodeid``) or of results.json (``name``)."""
        stage = record.get("stage")
        return cls(
            name=str(record.get("nodeid") or record.get("name")),
            points=float(record.get("points") or 0),
            passed=bool(record.get("passed")),
            outcome=str(record.get("outcome") or ("passed" if record.get("passed") else "failed")),
            hint=record.get("hint"),
            message=record.get("message"),
            stage=stage if isinstance(stage, int) and not isinstance(stage, bool) else None,
            stage_title=record.get("stage_title"),
        )

    @property
    def earned(self) -> float:
        """Points earned: all or nothing."""
        return self.points if self.passed else 0.0

    @property
    def file(self) -> str:
        """The test's file, as pytest names it (``contract/tests/test_devices.py``)."""
        return self.name.split("::", 1)[0]

    @property
    def short_name(self) -> str:
        """The test without its file: ``test_x[case]``."""
        return self.name.split("::", 1)[-1]

    @property
    def function(self) -> str:
        """The test without its file and its parameters: ``test_x``."""
        return self.short_name.split("[", 1)[0]

    @property
    def happened(self) -> str | None:
        """What actually happened, in one line (None for a test that passed)."""
        return None if self.passed else what_happened(self.message, self.outcome)


# --------------------------------------------------------------------------------------------
# what happened: the hub's answer, or the first line of the error
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """The hub's answer named in a failure message (hubcontract's ``describe()``)."""

    method: str
    path: str
    status: int
    content_type: str | None = None
    code: str | None = None
    message: str | None = None

    def summary(self) -> str:
        """``POST /api/v1/devices answered 501 not_implemented: stage 1: write ...``."""
        text = f"{self.method} {self.path} answered {self.status}"
        if self.code:
            text += f" {self.code}"
            if self.message:
                text += f": {self.message}"
        elif self.content_type and not self.content_type.startswith("application/json"):
            text += f" ({self.content_type})"
        return text


def parse_answer(message: str | None) -> Answer | None:
    """Find the request and the hub's answer in a failure message, or None."""
    found = _ANSWER.search(message or "")
    if found is None:
        return None
    rest = (message or "")[found.end():]
    content_type = _CONTENT_TYPE.search(rest)
    body = _BODY.search(rest)
    code, text = _error_fields(body["body"] if body else "")
    return Answer(
        method=found["method"],
        path=found["path"],
        status=int(found["status"]),
        content_type=content_type["type"].strip() if content_type else None,
        code=code,
        message=text,
    )


def _error_fields(body: str) -> tuple[str | None, str | None]:
    """The code and message of an error envelope, even from a body cut short."""
    try:
        error = json.loads(body).get("error")
    except (ValueError, AttributeError):
        error = None
    if isinstance(error, dict):
        code, text = error.get("code"), error.get("message")
        return (code if isinstance(code, str) else None), (text if isinstance(text, str) else None)
    if '"error"' not in body:
        return None, None
    code, text = _CODE.search(body), _MESSAGE.search(body)
    return _unquote(code) if code else None, _unquote(text) if text else None


def _unquote(found: re.Match[str]) -> str:
    """A JSON string's content, decoded; one cut short ends with …."""
    text, closed = found[1], found[2]
    if not closed:
        text = _CUT.sub("", text).rstrip("\\")
    try:
        text = json.loads(f'"{text}"')
    except ValueError:
        pass
    return text if closed else text + "…"


def what_happened(message: str | None, outcome: str = "failed") -> str | None:
    """What a failing test met, in one line.

    A wrong status or error code gives the hub's answer (``GET /api/v1/health answered 501
    not_implemented: stage 1: write health() - see ...``); any other failure gives the
    first line of its error (and the line after, when the first one ends with a colon).
    """
    if outcome == "not_run":
        return message or "it did not run (the run stopped before it)"
    if not message:
        return None
    text = message.strip()
    if outcome == "skipped":
        return text.removeprefix("Skipped: ")
    text = text.removeprefix("AssertionError: ").removeprefix("Failed: ")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else text
    answer = parse_answer(text)
    if answer is not None and first.startswith("expected "):
        return answer.summary()
    if first.endswith(":") and len(lines) > 1:
        first = f"{first} {lines[1]}"
    return first


# --------------------------------------------------------------------------------------------
# stages
# --------------------------------------------------------------------------------------------


def group_by_stage(
    items: Iterable[T], stage_of: Callable[[T], tuple[int | None, str | None]]
) -> list[tuple[int | None, str, list[T]]]:
    """Group items by stage: ``(stage, title, items)``, lowest stage first, no stage last.

    Items keep their order within a group. A stage's title is the first one its items give
    ("" when none does). The group without a stage is called "Other tests" beside staged
    ones, and "Tests" when nothing has a stage.
    """
    groups: dict[int | None, list[T]] = {}
    titles: dict[int | None, str] = {}
    for item in items:
        stage, title = stage_of(item)
        groups.setdefault(stage, []).append(item)
        if stage is not None and title and stage not in titles:
            titles[stage] = title
    staged = any(stage is not None for stage in groups)
    order = sorted(groups, key=lambda s: (s is None, s or 0))
    return [
        (
            stage,
            titles.get(stage, "")
            if stage is not None
            else (OTHER_TITLE if staged else "Tests"),
            groups[stage],
        )
        for stage in order
    ]


def stage_label(stage: int | None, title: str) -> str:
    """``Stage 1: Health and devices`` (``Stage 1`` without a title); the group without a
    stage is called by its title alone."""
    if stage is None:
        return title
    return f"Stage {stage}: {title}" if title else f"Stage {stage}"


@dataclass(frozen=True)
class StageGroup:
    """The tests of one stage (or of no stage), in the order they ran."""

    number: int | None
    title: str
    tests: tuple[TestResult, ...]
    graded: bool
    """False for the tests without a stage beside staged ones: they earn no points."""

    @property
    def label(self) -> str:
        """``Stage 1: Health and devices``, or the title of the group without a stage."""
        return stage_label(self.number, self.title)

    @property
    def earned(self) -> float:
        """Points earned in this group."""
        return sum(t.earned for t in self.tests) if self.graded else 0.0

    @property
    def possible(self) -> float:
        """Points possible in this group."""
        return sum(t.points for t in self.tests) if self.graded else 0.0

    @property
    def passed(self) -> int:
        """How many of its tests passed."""
        return sum(t.passed for t in self.tests)

    @property
    def complete(self) -> bool:
        """True when every test of the group passed."""
        return all(t.passed for t in self.tests)

    @property
    def first_failing(self) -> TestResult | None:
        """The first test of the group that did not pass, in the order they ran."""
        return next((t for t in self.tests if not t.passed), None)


class Guide:
    """The tests of one run, by stage, with the current stage and the next test."""

    def __init__(self, tests: Iterable[TestResult]) -> None:
        self.tests = list(tests)
        grouped = group_by_stage(self.tests, lambda t: (t.stage, t.stage_title))
        staged = any(stage is not None for stage, _, _ in grouped)
        self.groups = [
            StageGroup(stage, title, tuple(members), graded=stage is not None or not staged)
            for stage, title, members in grouped
        ]

    @property
    def current(self) -> StageGroup | None:
        """The lowest stage with a failing test (the other tests last); None when all pass."""
        return next((g for g in self.groups if not g.complete), None)

    @property
    def next(self) -> TestResult | None:
        """The first failing test of the current stage."""
        current = self.current
        return current.first_failing if current else None

    def stage(self, number: int) -> StageGroup | None:
        """The group of stage `number`, or None when no test of it ran."""
        return next((g for g in self.groups if g.number == number), None)

    @property
    def earned(self) -> float:
        """Points earned (graded tests only)."""
        return sum(g.earned for g in self.groups)

    @property
    def possible(self) -> float:
        """Points possible (graded tests only)."""
        return sum(g.possible for g in self.groups)

    @property
    def passed(self) -> int:
        """How many tests passed."""
        return sum(t.passed for t in self.tests)

    @property
    def all_passed(self) -> bool:
        """True when every test passed."""
        return all(t.passed for t in self.tests)


# --------------------------------------------------------------------------------------------
# the text
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of the guide and how to colour it.

    ``style`` is one of: "" (plain), "title", "pass", "fail", "dim", "hint", "got", "next".
    """

    text: str = ""
    style: str = ""


def render(
    guide: Guide,
    *,
    width: int = 80,
    show: int | str | None = None,
    stage_command: str = "grader check --stage K",
    all_command: str = "grader check --all",
) -> list[Line]:
    """The guide as lines of at most `width` characters.

    `show` chooses what is shown in full: None (the current stage), a stage number, or
    "all" (every stage). `stage_command` and `all_command` say how to ask for the others.
    """
    width = max(width, MIN_WIDTH)
    if not guide.tests:
        return [Line("No test ran.", "title")]
    lines = [Line("The tests, stage by stage:", "title")]
    lines += _overview(guide, width)
    wanted, note = _shown_groups(guide, show)
    if note:
        lines += [Line(), *(Line(t, "dim") for t in _wrap(note, width))]
    for group in wanted:
        lines += [Line(), *_stage_in_full(group, width)]
    lines.append(Line())
    lines += _total_and_next(guide, width)
    if len(guide.groups) > 1 and show != "all" and not guide.all_passed:
        more = f"Another stage in full: {stage_command}; every stage: {all_command}."
        lines += [Line(t, "dim") for t in _wrap(more, width)]
    return lines


def _shown_groups(guide: Guide, show: int | str | None) -> tuple[list[StageGroup], str]:
    """Which groups to show in full, and a note when the wanted stage did not run."""
    if show == "all":
        return list(guide.groups), ""
    if isinstance(show, int) and not isinstance(show, bool):
        group = guide.stage(show)
        if group is not None:
            return [group], ""
        ran = ", ".join(str(g.number) for g in guide.groups if g.number is not None) or "none"
        note = f"No test of stage {show} ran (stages that ran: {ran})."
        return ([guide.current] if guide.current else []), note
    return ([guide.current] if guide.current else []), ""


def _overview(guide: Guide, width: int) -> list[Line]:
    """One line per stage: mark, name, points, tests."""
    current = guide.current
    names = [g.title if g.number is None else f"Stage {g.number}  {g.title}".rstrip()
             for g in guide.groups]
    points = [f"{_fmt(g.earned)}/{_fmt(g.possible)} points" if g.graded else "not graded"
              for g in guide.groups]
    tests = [f"{g.passed}/{len(g.tests)} tests" for g in guide.groups]
    points_w, tests_w = max(map(len, points)), max(map(len, tests))
    name_w = min(max(map(len, names)), width - 4 - 2 - points_w - 2 - tests_w)
    lines = []
    for group, name, pts, count in zip(guide.groups, names, points, tests, strict=True):
        mark = "✓" if group.complete else ("→" if group is current else " ")
        text = f"  {mark} {_cut(name, name_w):<{name_w}}  {pts:>{points_w}}  {count:>{tests_w}}"
        lines.append(Line(text, "pass" if group.complete else ("next" if mark == "→" else "")))
    return lines


def _stage_in_full(group: StageGroup, width: int) -> list[Line]:
    """A stage's heading, then each test by file, with the hint and what happened."""
    summary = f"{group.passed}/{len(group.tests)} tests passed"
    if group.graded:
        summary = f"{_fmt(group.earned)}/{_fmt(group.possible)} points, {summary}"
    lines = [Line(t, "title") for t in _wrap(f"{group.label} ({summary})", width)]
    points_w = max(len(_points(t)) for t in group.tests) if group.graded else 0
    indent = 4 + 2 + (points_w + 2 if points_w else 0)
    before: TestResult | None = None
    for test in group.tests:
        if before is None or test.file != before.file:
            lines += [Line(t, "dim") for t in _wrap(test.file, width, "  ", "    ")]
        mark = "✓" if test.passed else "✗"
        head = f"    {mark} " + (f"{_points(test):>{points_w}}  " if points_w else "")
        style = "pass" if test.passed else "fail"
        name_lines = _fit_name(test.short_name, width - indent)
        lines.append(Line(head + name_lines[0], style))
        lines += [Line(" " * indent + part, style) for part in name_lines[1:]]
        if not test.passed:
            lines += _details(test, before, width, " " * indent)
        before = test
    return lines


def _details(test: TestResult, before: TestResult | None, width: int, pad: str) -> list[Line]:
    """The hint and what happened under a failing test, without repeating the test above.

    Another case of the parametrized test just above does not repeat its hint, and "the
    same as above" stands for what happened when the failing test above met the same thing.
    """
    failing_above = before is not None and not before.passed and before.file == test.file
    lines: list[Line] = []
    if test.hint and not (failing_above and before.function == test.function
                          and before.hint == test.hint):
        lines += [Line(t, "hint") for t in _wrap(test.hint, width, pad + "hint: ", pad + " " * 6)]
    happened = test.happened
    if happened and failing_above and _same(happened, before.happened):
        happened = "the same as above"
    if happened:
        lines += [Line(t, "got") for t in _wrap_at_most(happened, width, pad + "got:  ",
                                                        pad + " " * 6)]
    return lines


def _total_and_next(guide: Guide, width: int) -> list[Line]:
    """The total, then the next test with its hint and what happened."""
    total = (f"Total: {_fmt(guide.earned)}/{_fmt(guide.possible)} points, "
             f"{guide.passed}/{len(guide.tests)} tests passed.")
    lines = [Line(t, "title") for t in _wrap(total, width)]
    upcoming, current = guide.next, guide.current
    if upcoming is None or current is None:
        done = ("Every test passes. The hidden tests check more of the contract: read "
                "contract/openapi.yaml for the cases you have not tried yet.")
        return lines + [Line(t, "pass") for t in _wrap(done, width)]
    points = f", {_fmt(upcoming.points)} point{'' if upcoming.points == 1 else 's'}" \
        if current.graded else ""
    lines += [Line(t, "next") for t in _wrap(f"Next, in {current.label}{points}:", width)]
    name_lines = _fit_name(upcoming.short_name, width - 6)
    lines += [Line("  " + ("→ " if i == 0 else "  ") + part, "next")
              for i, part in enumerate(name_lines)]
    lines += [Line(t, "dim") for t in _wrap(f"in {upcoming.file}", width, "    ", "    ")]
    if upcoming.hint:
        lines += [Line(t, "hint") for t in _wrap(upcoming.hint, width, "    hint: ", " " * 10)]
    if upcoming.happened:
        lines += [Line(t, "got")
                  for t in _wrap_at_most(upcoming.happened, width, "    got:  ", " " * 10)]
    return lines


# --------------------------------------------------------------------------------------------
# fitting text into the width
# --------------------------------------------------------------------------------------------


def _same(happened: str, before: str | None) -> bool:
    """Whether two tests met the same thing, whatever fresh device each one made."""
    return before is not None and _MADE_UP_ID.sub("-", happened) == _MADE_UP_ID.sub("-", before)


def _wrap(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    """Wrap text to width, with a prefix on the first line and another on the rest."""
    rest = first if rest is None else rest
    room = max(width - max(len(first), len(rest)), 10)
    parts = textwrap.wrap(" ".join(text.split()), width=room, break_long_words=True,
                          break_on_hyphens=False) or [""]
    return [(first if i == 0 else rest) + part for i, part in enumerate(parts)]


def _wrap_at_most(text: str, width: int, first: str, rest: str,
                  most: int = MAX_GOT_LINES) -> list[str]:
    """Wrap like _wrap, but into at most `most` lines; the last one ends with … when cut."""
    lines = _wrap(text, width, first, rest)
    if len(lines) <= most:
        return lines
    last = lines[most - 1]
    last = f"{last} …" if len(last) + 2 <= width else last[: width - 1] + "…"
    return [*lines[: most - 1], last]


def _fit_name(name: str, room: int) -> list[str]:
    """Split a test name into pieces of at most `room` characters, at sensible places.

    A parametrized id breaks before its ``[``, then after ``_``, ``-``, ``,`` or ``/``;
    a piece that has none of them is cut where it must be.
    """
    room = max(room, 10)
    pieces = []
    while len(name) > room:
        cut = name.rfind("[", 1, room + 1)
        if cut <= 0:
            cut = max(name.rfind(ch, 1, room) for ch in "_-,/") + 1
        if cut <= 0:
            cut = room
        pieces.append(name[:cut])
        name = name[cut:]
    return [*pieces, name]


def _cut(text: str, room: int) -> str:
    """Text shortened with … to at most `room` characters."""
    return text if len(text) <= room else text[: max(room - 1, 0)] + "…"


def _points(test: TestResult) -> str:
    """``earned/points`` of one test."""
    return f"{_fmt(test.earned)}/{_fmt(test.points)}"


def _fmt(value: float) -> str:
    """A number without a trailing .0."""
    return f"{value:g}"
