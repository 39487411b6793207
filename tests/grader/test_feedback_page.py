"""The feedback page a student reads, the bundles, and `grader feedback --release`.

The page (grader/feedback.py): the grade with its adjustments and late penalty, the stage
bar, what to do next, the tests by stage with the failing ones first and the passing ones
folded, hidden tests by name, points and hint only. The bundles and the exchange
(grader/handback.py, `grader feedback`): a zip per student, and nbgrader's exchange there
and back. The browser test renders a real half-done flask-hub result (the fixture is the
results.json of checkpoint 3 with `reading_stats` unwritten, graded in the sandbox: 250
tests, stages 1-5) at 1280 and 390 px.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from browsertesting import SCREENSHOTS, chromium_page, needs_chromium
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import ExchangeFetchFeedback, ExchangeSubmit
from traitlets.config import Config

from grader.__main__ import main
from grader.adjust import add_adjustment, final_grade
from grader.course import Course, load_course
from grader.errors import CourseError, FeedbackError
from grader.feedback import feedback_path, render_feedback, student_summary, write_feedback
from grader.handback import bundle_path, exchange_root, fetch_feedback
from grader.results import atomic_write_json, make_result, results_path

REPO = Path(__file__).resolve().parents[2]
HALF_DONE = Path(__file__).parent / "fixtures" / "results" / "flask-hub-half-done.json"


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def test_record(name: str, stage: int | None, *, passed: bool, points: float = 1.0,
                hidden: bool = False, message: str | None = None) -> dict[str, Any]:
    """One results.json test."""
    return {"name": name, "visibility": "hidden" if hidden else "public", "points": points,
            "earned": points if passed else 0.0, "passed": passed,
            "outcome": "passed" if passed else "failed", "hint": f"hint of {name}",
            "stage": stage, "stage_title": {1: "Health and devices", 2: "Posting readings",
                                            None: None}.get(stage, f"Stage {stage} title"),
            "duration": 0.01,
            "message": None if passed else (message or f"AssertionError: {name} failed")}


test_record.__test__ = False  # a helper, not a test


def project_result(tests: list[dict[str, Any]], *, student: str = "ana",
                   status: str = "graded", feedback: list[str] | None = None,
                   assignment: str = "flask-hub") -> dict[str, Any]:
    """A project's results.json document."""
    return make_result(student=student, assignment=assignment, kind="project", tests=tests,
                       feedback=feedback or [], submission_sha256="a" * 64,
                       suite_version="b" * 64, status=status)


def half_done(student: str = "sam") -> dict[str, Any]:
    """The real half-done flask-hub result (see the module's docstring)."""
    result = json.loads(HALF_DONE.read_text(encoding="utf-8"))
    result["student"] = student
    return result


class Sections(HTMLParser):
    """The text of the page's elements with an id (the next step, each stage), and which
    <details> are open."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.text: dict[str, list[str]] = {}
        self.details: list[tuple[str, bool, str]] = []  # (class, open, summary)
        self._summary: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.stack.append((tag, attributes.get("id")))
        if attributes.get("id"):
            self.text.setdefault(attributes["id"] or "", [])
        if tag == "details":
            self.details.append((attributes.get("class") or "", "open" in attributes, ""))
        if tag == "summary":
            self._summary = []

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        if tag == "summary" and self._summary is not None:
            css, is_open, _ = self.details[-1]
            self.details[-1] = (css, is_open, "".join(self._summary).strip())
            self._summary = None

    def handle_data(self, data: str) -> None:
        for _, ident in self.stack:
            if ident:
                self.text[ident].append(data)
        if self._summary is not None:
            self._summary.append(data)

    def of(self, ident: str) -> str:
        """The text inside the element with this id, spaces squeezed."""
        return " ".join("".join(self.text[ident]).split())


def sections(page: str) -> Sections:
    parser = Sections()
    parser.feed(page)
    return parser


def hub_course(make_course, *, deadline: str = "2026-12-11T23:59:00Z",
               notebook: bool = False) -> Course:
    """A course with this repository's flask-hub (its stages and lessons; its starter and
    contract are not needed), a late policy of 10% a day (at most 50%), and the demo
    notebook assignment."""
    real = load_course(REPO).get("flask-hub")
    stages = ",\n  ".join(
        f'{{ title = "{s.title}", lesson = "{s.lesson}", section = "{s.section}" }}'
        for s in real.stages)
    manifest = f"""
        [course]
        id = "feedback-course"
        title = "Feedback course"

        [late]
        penalty_per_day = 10
        max_penalty = 50

        [[assignment]]
        name = "flask-hub"
        kind = "project"
        title = "The hub in Flask"
        source = "starter/flask"
        contract = "starter/contract"
        framework = "flask"
        points = 334
        deadline = {deadline}
        stages = [
          {stages}
        ]

        [[assignment]]
        name = "demo"
        kind = "notebook"
        title = "Squares"
        points = 3
    """
    return make_course(manifest, {"notebooks/demo/README.md": "demo\n"} if notebook else {})


def write_result(course_dir: Path, result: dict[str, Any]) -> None:
    atomic_write_json(results_path(course_dir, result["student"], result["assignment"]), result)


def write_timestamp(course_dir: Path, student: str, assignment: str, when: str) -> None:
    folder = course_dir / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "timestamp.txt").write_text(when, encoding="utf-8")


@pytest.fixture
def isolated_exchange(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No nbgrader configuration of the user or the system, and no default exchange, so
    only what a test sets counts; the nbgrader cache in the test's directory."""
    monkeypatch.setenv("JUPYTER_NO_CONFIG", "1")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "jupyter-config"))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter-data"))
    from nbgrader.exchange.default import Exchange

    monkeypatch.setattr(Exchange.root, "default_value", str(tmp_path / "no-default-exchange"))


# --------------------------------------------------------------------------------------------
# the page: order, folding, hidden tests
# --------------------------------------------------------------------------------------------


STAGED = [
    test_record("tests/test_h.py::test_health", 1, passed=True, points=2),
    test_record("tests/test_d.py::test_list_devices", 1, passed=True),
    test_record("hidden/test_hidden_d.py::test_secret_device", 1, passed=False, hidden=True,
                message="assert SECRET-INPUT-42 == 1"),
    test_record("tests/test_d.py::test_register_device", 1, passed=False,
                message="AssertionError: expected status 201\nPOST /api/v1/devices answered "
                        "500\n  content-type: text/html\n  body: oops"),
    test_record("tests/test_d.py::test_delete_device", 1, passed=True),
    test_record("tests/test_r.py::test_post_reading", 2, passed=False, points=3),
    test_record("tests/test_r.py::test_post_batch", 2, passed=False, points=2),
]


def test_failing_tests_come_first_in_each_stage_and_passing_ones_are_folded() -> None:
    page = render_feedback(project_result(STAGED))
    parsed = sections(page)
    stage_1 = page[page.index('id="stage-1"'):page.index('id="stage-2"')]
    order = [name for name in ("test_register_device", "test_secret_device", "test_health",
                               "test_list_devices", "test_delete_device")]
    places = [stage_1.index(name) for name in order]
    assert places == sorted(places), "public failures, hidden failures, then the passing ones"
    # the passing tests sit in a closed <details>, after the failing ones
    passing = stage_1[stage_1.index('<details class="passing">'):]
    assert all(name in passing for name in ("test_health", "test_list_devices",
                                            "test_delete_device"))
    assert "test_register_device" not in passing
    assert ("passing", False, "✓ 3 passing tests (4 points)") in parsed.details
    # stage 2 has nothing passing: its failures are folded, it is not the stage to work on
    assert ("failing", False, "2 tests to pass (none passes yet): show them") in parsed.details


def test_the_stage_bar_says_done_partly_or_not_started() -> None:
    tests = [*STAGED, test_record("tests/test_c.py::test_command", 4, passed=True)]
    tests[2] = {**tests[2], "passed": True, "earned": 1.0}  # hidden passes: stage 1 partly
    parsed = sections(render_feedback(project_result(tests)))
    bar = " ".join(parsed.of(f"stage-{k}") for k in (1, 2, 4))
    assert "Stage 1: Health and devices — 5 / 6 points, 4 of 5 tests passed" in bar
    page = render_feedback(project_result(tests))
    segments = re.findall(r'<li class="(done|partly|todo)"><a href="#stage-(\d)">', page)
    assert segments == [("partly", "1"), ("todo", "2"), ("done", "4")]
    assert "0 / 5<span class=\"unit\"> points" in page


def test_a_hidden_test_shows_its_name_points_and_hint_only() -> None:
    page = render_feedback(project_result(STAGED))
    assert "SECRET-INPUT-42" not in page
    item = page[page.index("test_secret_device"):]
    item = item[:item.index("</li>")]
    assert "(hidden test)" in item and "0 / 1" in item
    assert "hint of hidden/test_hidden_d.py::test_secret_device" in item
    assert "what it sent and what your hub answered are not shown" in item
    summary = student_summary(project_result(STAGED))
    hidden = next(t for t in summary["tests"] if t["visibility"] == "hidden")
    assert hidden["message"] is None and "SECRET-INPUT-42" not in json.dumps(summary)


def test_on_a_fresh_starter_only_the_first_stage_is_unfolded() -> None:
    tests = [{**t, "passed": False, "earned": 0.0, "message": t["message"] or "assert False"}
             for t in STAGED]
    page = render_feedback(project_result(tests))
    stage_1 = page[page.index('id="stage-1"'):page.index('id="stage-2"')]
    stage_2 = page[page.index('id="stage-2"'):]
    assert '<details class="failing">' not in stage_1 and "test_health" in stage_1
    assert stage_2.index('<details class="failing">') < stage_2.index("test_post_reading")


def test_a_failure_like_the_one_above_says_so_and_names_break_before_parameters() -> None:
    answer = ("AssertionError: expected status 201\nPOST /api/v1/devices/t-{}/readings "
              'answered 501\n  content-type: application/json\n  body: {{"error":{{"code":'
              '"not_implemented","message":"stage 2: write post_readings()","details":null}}}}')
    tests = [test_record(f"tests/test_r.py::test_post[{case}]", 2, passed=False,
                         message=answer.format(device))
             for case, device in (("one", "0123456789abcdef"), ("two", "fedcba9876543210"))]
    page = render_feedback(project_result(tests))
    first = page[page.index('<li id="test-1">'):page.index('<li id="test-2">')]
    second = page[page.index('<li id="test-2">'):]
    second = second[:second.index("</li>")]
    summary = "POST /api/v1/devices/t-0123456789abcdef/readings answered 501 not_implemented: " \
              "stage 2: write post_readings()"
    assert summary in first and "the same as the test above" not in first
    assert "the same as the test above" in second and "t-fedcba9876543210" in second
    assert "test_post<wbr>[two]" in second  # a phone breaks it before its parameters


def test_a_public_failure_shows_what_happened_beside_its_hint() -> None:
    page = render_feedback(project_result(STAGED))
    item = page[page.index('<li id="test-4">'):]
    item = item[:item.index("</li>")]
    assert "hint of tests/test_d.py::test_register_device" in item
    assert "POST /api/v1/devices answered 500 (text/html)" in item  # the hub's answer
    assert "body: oops" in item  # and the whole message, folded


# --------------------------------------------------------------------------------------------
# the page: what to do next
# --------------------------------------------------------------------------------------------


def test_next_is_the_first_failing_public_test_of_the_lowest_stage(make_course) -> None:
    course = hub_course(make_course)
    page = render_feedback(project_result(STAGED), assignment=course.get("flask-hub"))
    box = sections(page).of("next")
    assert box.startswith("What to do next")
    assert "You are on Stage 1: Health and devices: 1 of its 4 public tests still fail" in box
    assert "test_register_device (1 point, in tests/test_d.py)" in box
    assert "hint of tests/test_d.py::test_register_device" in box
    assert "POST /api/v1/devices answered 500" in box
    assert "section 'Stage 1: health and devices'" in box  # the lesson to read
    assert "grader check" in box
    assert 'href="#test-4"' in page[page.index('id="next"'):]


def test_next_is_the_same_test_grader_check_names() -> None:
    """The page and `grader check` choose with the same guide over the public tests."""
    from grader.check import CheckReport, load_hubguide, next_test

    result = half_done()
    public = [t for t in result["tests"] if t["visibility"] == "public"]
    report = CheckReport([load_hubguide().TestResult.from_record(t) for t in public], 1)
    expected = next_test(report)
    assert expected.short_name == "test_stats_of_a_sensor"
    box = sections(render_feedback(result)).of("next")
    assert f"{expected.short_name} (3 points, in {expected.file})" in box
    assert "You are on Stage 3: Reading back" in box


def test_when_every_public_test_passes_next_names_a_hidden_one() -> None:
    tests = [t if t["visibility"] == "hidden" else {**t, "passed": True, "earned": t["points"]}
             for t in STAGED]
    box = sections(render_feedback(project_result(tests))).of("next")
    assert "Every public test passes" in box and "test_secret_device" in box
    assert "SECRET-INPUT-42" not in box
    every = [{**t, "passed": True, "earned": t["points"]} for t in STAGED]
    assert "Every test passes" in sections(render_feedback(project_result(every))).of("next")


@pytest.mark.parametrize("status, words", [
    ("needs attention", "could not be graded as you handed it in"),
    ("error", "The grader could not grade it"),
])
def test_a_result_that_is_no_grade_says_what_to_fix(status: str, words: str) -> None:
    note = "No wsgi.py in your submission: it has hub/ in a folder hub-main/; hand in the " \
           "folder that holds wsgi.py."
    result = project_result([], status=status, feedback=[note])
    result["max_score"] = 334.0
    page = render_feedback(result)
    box = sections(page).of("next")
    assert words in box and note in box and "this is not a 0" in box
    assert "Not graded" in page and "0 / 334" not in page
    assert page.count(note) == 1  # in the box, not again under "What happened"


def test_a_notebook_points_to_its_first_failing_cell() -> None:
    tests = [test_record("demo.ipynb::test_cubes", None, passed=True),
             test_record("demo.ipynb::test_squares", None, passed=False,
                         message="RuntimeError: boom"),
             test_record("demo.ipynb::test_squares_hidden", None, passed=False, hidden=True)]
    result = make_result(student="ana", assignment="demo", kind="notebook", tests=tests,
                         feedback=[], submission_sha256="a" * 64, suite_version="b" * 64)
    page = render_feedback(result, ["demo.html"])
    box = sections(page).of("next")
    assert "The first test cell that fails, in demo.ipynb" in box
    assert "test_squares (1 point" in box and "RuntimeError: boom" in box
    assert "<h3" not in page and 'class="stages"' not in page  # no stages for notebooks
    assert '<a href="demo.html">demo.html</a>' in page


# --------------------------------------------------------------------------------------------
# the page: the grade, adjustments and lateness
# --------------------------------------------------------------------------------------------


def test_the_page_shows_the_final_grade_with_adjustments_and_the_late_penalty(
        make_course, tmp_path: Path) -> None:
    course = hub_course(make_course)
    course_dir = tmp_path / "course-dir"
    result = project_result(STAGED, student="ben")
    write_result(course_dir, result)
    write_timestamp(course_dir, "ben", "flask-hub", "2026-12-13 10:00:00.000000 UTC")
    add_adjustment(course_dir, "ben", "flask-hub", 2.5, "Regraded test_register_device by hand",
                   by="teacher")
    write_feedback(course_dir, result, course=course)
    page = feedback_path(course_dir, "ben", "flask-hub").read_text(encoding="utf-8")
    grade = final_grade(course, course_dir, result)
    assert grade.late is not None and grade.late["days_late"] == 2  # 34h past the deadline
    top = page[page.index("<header>"):page.index("</header>")]
    text = " ".join(re.sub(r"<[^>]+>", " ", top).split())
    assert "Autograded (the tests) 4" in text
    assert ("Late by 2 days: handed in 13 Dec 2026, 10:00 UTC, deadline 11 Dec 2026, 23:59 "
            "UTC −2.2") in text
    assert "Regraded test_register_device by hand +2.5" in text
    assert "Your grade 4.3 / 11" in text  # 4 + 2.5 - 20% of 11
    assert text.startswith("The hub in Flask (flask-hub) — feedback for ben 4.3 / 11 your grade")
    assert "teacher" not in page  # who adjusted is the instructor's business


def test_batch_pages_find_the_course_from_the_assignment(make_course, tmp_path: Path) -> None:
    """grader.batch passes the assignment only: the late penalty is on the page all the same."""
    course = hub_course(make_course, deadline="2026-12-14T23:59:00Z")
    course_dir = tmp_path / "course-dir"
    result = project_result(STAGED, student="cy")
    write_timestamp(course_dir, "cy", "flask-hub", "2026-12-15 08:00:00.000000 UTC")
    page = write_feedback(course_dir, result, assignment=course.get("flask-hub")).read_text()
    assert "Late by 1 day" in page and "−1.1" in page and "2.9 / 11" in page
    plain = write_feedback(course_dir, result).read_text()  # no course at hand: the score
    assert "Late by" not in plain and "2.9 / 11" not in plain and "4 / 11" in plain


def test_what_the_student_and_the_instructor_write_is_escaped(make_course,
                                                               tmp_path: Path) -> None:
    course = hub_course(make_course)
    course_dir = tmp_path / "course-dir"
    tests = [test_record("tests/t.py::test_a[<b>x</b>]", 1, passed=False,
                         message="got <script>alert(1)</script>\x1b[31m\u202e")]
    result = project_result(tests, student="eve",
                            feedback=["Your server printed <img src=x onerror=alert(1)>"])
    result["server_log_tail"] = "</pre><script>alert(2)</script>\r\x00\n"
    add_adjustment(course_dir, "eve", "flask-hub", -1, "<i>copied</i> \x1b]0;title\x07")
    page = feedback_path(course_dir, "eve", "flask-hub").parent / "index.html"
    write_feedback(course_dir, result, course=course)
    text = page.read_text(encoding="utf-8")
    assert "<script>" not in text and "<img" not in text and "<i>copied" not in text
    assert "<b>x</b>" not in text and "&lt;b&gt;x&lt;/b&gt;" in text
    assert "&lt;i&gt;copied&lt;/i&gt; \\x1b]0;title\\x07" in text
    assert "\\x1b[31m\\u202e" in text and "\\r\\x00" in text
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202e]", text)


# --------------------------------------------------------------------------------------------
# bundles and `grader feedback`
# --------------------------------------------------------------------------------------------


def test_grader_feedback_writes_pages_and_bundles(make_course, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    course = hub_course(make_course)
    course_dir = tmp_path / "course-dir"
    for student in ("ana", "ben"):
        write_result(course_dir, project_result(STAGED, student=student))
    add_adjustment(course_dir, "ben", "flask-hub", 4, "Extra credit for the README")
    status = main(["feedback", "flask-hub", "--course-dir", str(course_dir),
                   "--course", str(course.root)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "feedback for 2 student(s)" in out and "2 bundle(s)" in out
    with zipfile.ZipFile(bundle_path(course_dir, "ben", "flask-hub")) as bundle:
        assert sorted(bundle.namelist()) == ["index.html", "results.json"]
        page = bundle.read("index.html").decode()
        summary = json.loads(bundle.read("results.json"))
    assert page == feedback_path(course_dir, "ben", "flask-hub").read_text(encoding="utf-8")
    assert "Extra credit for the README" in page and "8 / 11" in page
    assert summary["grade"]["final"] == 8.0 and summary["grade"]["autograded"] == 4.0
    assert summary["grade"]["adjustments"][0]["reason"] == "Extra credit for the README"
    assert "by" not in summary["grade"]["adjustments"][0]
    assert "server_log_tail" not in summary and "SECRET-INPUT-42" not in json.dumps(summary)
    assert [t["name"] for t in summary["tests"]] == [t["name"] for t in STAGED]


def test_a_notebook_bundle_holds_the_notebooks_pages(make_course, tmp_path: Path) -> None:
    course = hub_course(make_course)
    course_dir = tmp_path / "course-dir"
    tests = [test_record("demo.ipynb::test_squares", None, passed=True)]
    result = make_result(student="ana", assignment="demo", kind="notebook", tests=tests,
                         feedback=[], submission_sha256="a" * 64, suite_version="b" * 64)
    write_result(course_dir, result)
    folder = feedback_path(course_dir, "ana", "demo").parent
    folder.mkdir(parents=True)
    (folder / "demo.html").write_text("<html>nbgrader's page</html>")
    (folder / "submission_secret.txt").write_text("never in a bundle")
    assert main(["feedback", "demo", "--course-dir", str(course_dir),
                 "--course", str(course.root)]) == 0
    with zipfile.ZipFile(bundle_path(course_dir, "ana", "demo")) as bundle:
        assert sorted(bundle.namelist()) == ["demo.html", "index.html", "results.json"]
        assert 'href="demo.html"' in bundle.read("index.html").decode()


def test_grader_feedback_names_who_has_no_result(make_course, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # long temporary paths stay on one line
    course = hub_course(make_course)
    course_dir = tmp_path / "course-dir"
    args = ["feedback", "flask-hub", "--course-dir", str(course_dir), "--course",
            str(course.root)]
    assert main(args) == 1
    assert "grade them first: grader grade flask-hub" in capsys.readouterr().err
    write_result(course_dir, project_result(STAGED, student="ana"))
    assert main([*args, "--student", "zoe"]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "No graded flask-hub for zoe" in err and "Students with a result: ana." in err


def test_release_without_an_exchange_says_so(make_course, tmp_path: Path, isolated_exchange,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    course = hub_course(make_course)
    course_dir = tmp_path / "course-dir"
    write_result(course_dir, project_result(STAGED, student="ana"))
    assert exchange_root(course) is None
    status = main(["feedback", "flask-hub", "--course-dir", str(course_dir), "--course",
                   str(course.root), "--release"])
    err = " ".join(capsys.readouterr().err.split())
    assert status == 1
    assert "No nbgrader exchange is configured" in err and "--exchange DIR" in err
    assert not bundle_path(course_dir, "ana", "flask-hub").exists()  # nothing half done
    with pytest.raises(FeedbackError, match="does not exist"):
        exchange_root(course, tmp_path / "missing")


def test_the_exchange_comes_from_nbgraders_configuration(make_course, tmp_path: Path,
                                                         isolated_exchange) -> None:
    course = hub_course(make_course)
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    (course.root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n")
    assert exchange_root(course) == exchange


# --------------------------------------------------------------------------------------------
# the exchange, there and back: nbgrader submit, grader feedback --release, fetch
# --------------------------------------------------------------------------------------------


def nbgrader_submit(course: Course, exchange: Path, student: str, assignment: str,
                    work: Path, course_dir: Path) -> None:
    """Hand in `work` as `student` with nbgrader's own ExchangeSubmit, then collect it into
    submitted/ as nbgrader collect does (a copy of the inbound folder)."""
    (exchange / course.id / "inbound").mkdir(parents=True, exist_ok=True)
    (exchange / course.id / "outbound" / assignment).mkdir(parents=True, exist_ok=True)
    home = work.parent
    config = Config()
    config.CourseDirectory.course_id = course.id
    config.CourseDirectory.assignment_id = assignment
    config.CourseDirectory.student_id = student
    config.Exchange.root = str(exchange)
    config.Exchange.assignment_dir = str(home)
    submit = ExchangeSubmit(coursedir=CourseDirectory(config=config), config=config,
                            authenticator=_authenticator(config))
    submit.start()
    (inbound,) = (exchange / course.id / "inbound").glob(f"{student}+{assignment}+*")
    shutil.copytree(inbound, course_dir / "submitted" / student / assignment)


def _authenticator(config: Config) -> Any:
    from nbgrader.auth import Authenticator

    return Authenticator(config=config)


def test_release_and_fetch_a_projects_page(make_course, tmp_path: Path, isolated_exchange,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    course = hub_course(make_course)
    course_dir, exchange = tmp_path / "course-dir", tmp_path / "exchange"
    exchange.mkdir()
    work = tmp_path / "home-ana" / "flask-hub"
    (work / "hub").mkdir(parents=True)
    (work / "wsgi.py").write_text("from hub import create_app\napp = create_app()\n")
    nbgrader_submit(course, exchange, "ana", "flask-hub", work, course_dir)
    write_result(course_dir, project_result(STAGED, student="ana"))
    write_result(course_dir, project_result(STAGED, student="lms"))  # handed in elsewhere
    status = main(["feedback", "flask-hub", "--course-dir", str(course_dir), "--course",
                   str(course.root), "--release", "--exchange", str(exchange)])
    out = " ".join(capsys.readouterr().out.split())
    assert status == 0, out
    assert "Released the feedback of 1 student(s)" in out
    assert "not released: lms: no submission_secret.txt" in out and "bundle" in out
    released = list((exchange / course.id / "feedback").glob("*.html"))
    assert len(released) == 1 and re.fullmatch(r"[0-9a-f]{32}\.html", released[0].name)
    # the student fetches it back, from their home
    monkeypatch.chdir(work.parent)
    status = main(["feedback", "flask-hub", "--fetch", "--student", "ana", "--course",
                   str(course.root), "--exchange", str(exchange)])
    assert status == 0, capsys.readouterr().err
    (fetched,) = (work.parent / "flask-hub" / "feedback").glob("*/index.html")
    assert fetched.read_text() == feedback_path(course_dir, "ana", "flask-hub").read_text()
    # on a JupyterHub the grader may be installed without the repository: no course.toml,
    # and nbgrader's configuration names the course and the exchange
    (tmp_path / "jupyter-config").mkdir(exist_ok=True)
    (tmp_path / "jupyter-config" / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = {course.id!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n")

    def no_course_toml(start: Path | None = None) -> Path:
        raise CourseError("No course.toml found")

    monkeypatch.setattr("grader.course.find_course_root", no_course_toml)
    monkeypatch.delenv("JUPYTER_NO_CONFIG")  # the user's config dir is jupyter-config/
    shutil.rmtree(work.parent / "flask-hub" / "feedback")
    status = main(["feedback", "flask-hub", "--fetch", "--student", "ana"])
    assert status == 0, capsys.readouterr().err
    assert len(list((work.parent / "flask-hub" / "feedback").glob("*/index.html"))) == 1


def test_release_and_fetch_a_notebooks_pages(make_course, tmp_path: Path,
                                             isolated_exchange) -> None:
    """nbgrader's own fetch_feedback finds the notebook's page; ours adds index.html."""
    course = hub_course(make_course)
    course_dir, exchange = tmp_path / "course-dir", tmp_path / "exchange"
    exchange.mkdir()
    work = tmp_path / "home-ana" / "demo"
    work.mkdir(parents=True)
    (work / "demo.ipynb").write_text(json.dumps(
        {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    nbgrader_submit(course, exchange, "ana", "demo", work, course_dir)
    tests = [test_record("demo.ipynb::test_squares", None, passed=False)]
    result = make_result(student="ana", assignment="demo", kind="notebook", tests=tests,
                         feedback=[], submission_sha256="a" * 64, suite_version="b" * 64)
    write_result(course_dir, result)
    folder = feedback_path(course_dir, "ana", "demo").parent
    folder.mkdir(parents=True)
    (folder / "demo.html").write_text("<html>nbgrader's page of demo</html>")
    assert main(["feedback", "demo", "--course-dir", str(course_dir), "--course",
                 str(course.root), "--release", "--exchange", str(exchange)]) == 0
    assert len(list((exchange / course.id / "feedback").glob("*.html"))) == 2
    # nbgrader's fetch_feedback, as a student runs it
    config = Config()
    config.CourseDirectory.course_id = course.id
    config.CourseDirectory.assignment_id = "demo"
    config.CourseDirectory.student_id = "ana"
    config.Exchange.root = str(exchange)
    config.Exchange.assignment_dir = str(tmp_path / "fetched-by-nbgrader")
    ExchangeFetchFeedback(coursedir=CourseDirectory(config=config), config=config,
                          authenticator=_authenticator(config)).start()
    pages = sorted(p.name for p in (tmp_path / "fetched-by-nbgrader").glob("demo/feedback/*/*"))
    assert pages == ["demo.html"]
    ours = fetch_feedback(course, "demo", exchange, into=tmp_path / "fetched", student="ana")
    assert sorted(p.name for p in ours) == ["demo.html", "index.html"]
    assert all(p.is_file() for p in ours)
    assert "nbgrader's page of demo" in (ours[0].parent / "demo.html").read_text()


# --------------------------------------------------------------------------------------------
# in a browser: 1280 px and a 390-px phone
# --------------------------------------------------------------------------------------------


@pytest.mark.slow
@needs_chromium
def test_the_half_done_page_reads_well_at_1280_and_390_px(make_course, tmp_path: Path) -> None:
    course = hub_course(make_course)
    course_dir = tmp_path / "course-dir"
    result = copy.deepcopy(half_done())
    result["server_log_tail"] += (
        "[2026-11-29 23:47:17 +0000] [3] [ERROR] Error handling request "
        "/api/v1/devices/t-c9975496259f4a42/readings/stats?sensor=t&since=2025-06-01T12%3A10"
        "%3A00%2B00%3A00 Traceback (most recent call last): NotImplementedError: stage 3: "
        "write reading_stats() - see the lesson 'Project: the hub in Flask, stage 3'\n")
    write_timestamp(course_dir, "sam", "flask-hub", "2026-12-12 09:30:00.000000 UTC")
    add_adjustment(course_dir, "sam", "flask-hub", 4, "test_stats_window_edges failed on our "
                   "side (a clock change); re-checked by hand")
    page = write_feedback(course_dir, result, course=course)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium_page(tmp_path, SCREENSHOTS / "feedback") as browser:
        for width, height in ((1280, 800), (390, 844)):
            browser.set_viewport_size({"width": width, "height": height})
            browser.goto(page.as_uri())
            sizes = browser.evaluate("""() => {
                const root = document.documentElement, next = document.getElementById('next');
                const box = next.getBoundingClientRect(), log = document.querySelector('pre.log');
                return {scroll: root.scrollWidth, client: root.clientWidth,
                        nextTop: box.top, nextTitle: next.querySelector('h2')
                            .getBoundingClientRect().bottom,
                        nextHint: next.querySelector('dd').getBoundingClientRect().bottom,
                        inner: window.innerHeight,
                        logScroll: log.scrollWidth, logClient: log.clientWidth};
            }""")
            browser.screenshot(path=str(SCREENSHOTS / f"feedback-{width}.png"))
            browser.screenshot(path=str(SCREENSHOTS / f"feedback-{width}-full.png"),
                               full_page=True)
            assert sizes["scroll"] <= sizes["client"], f"{width} px: the page scrolls sideways"
            assert sizes["nextTitle"] < sizes["inner"], f"{width} px: no next step in view"
            assert sizes["nextHint"] < sizes["inner"], f"{width} px: the next hint is below"
            assert sizes["logScroll"] > sizes["logClient"], "the long log line scrolls in its box"
            if width == 1280:  # the whole next step, not just its title
                assert sizes["nextTop"] < 400


def test_a_notebook_names_its_first_failing_cell_even_one_with_hidden_checks() -> None:
    """In a notebook "hidden" is a cell with hidden checks in it: the student has the cell,
    so the next step is still that cell, never "every test you can see passes"."""
    cells = [("nb.ipynb::test_parse", True, "public"), ("nb.ipynb::test_mean", False, "hidden"),
             ("nb.ipynb::test_plot", False, "public")]
    result = make_result(
        student="ana", assignment="nb", kind="notebook", feedback=[],
        submission_sha256="0" * 64, suite_version="1",
        tests=[{"name": name, "visibility": seen, "points": 2.0, "earned": 2.0 * passed,
                "passed": passed, "hint": None, "duration": 0.0,
                "message": None if passed or seen == "hidden" else "AssertionError: 3 != 4"}
               for name, passed, seen in cells])
    page = render_feedback(result)
    step = page[page.index("What to do next"):page.index("The tests")]
    assert "test_mean" in step and "hidden checks" in step and "test_plot" not in step
    assert "Every test you can see passes" not in page
    assert "(has hidden checks)" in page and "your hub" not in page
