"""`grader report`: the class report, from a course directory built by hand.

The course is a small project (a starter with solution blocks, a contract) and nine
students: two identical once whitespace, line endings and comments are set aside (ana,
ben), one near-identical to them (cai: the same files and one more), one different (dan),
two who handed in the starter untouched (eve, fay: never flagged, since what they were
given does not count), one that needs attention (gus, no wsgi.py), one the grader failed
on (hal) and one not graded yet (ivy).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from browsertesting import SCREENSHOTS, chromium_page, needs_chromium

from grader.__main__ import main
from grader.course import Course, load_course
from grader.release import checkpoint
from grader.report import build_report, render_report, write_report
from grader.results import make_result, results_path
from grader.similarity import compare, given_units, normalise, submission_units

FIXTURES = Path(__file__).parent / "fixtures"

MANIFEST = """
[course]
id = "report-demo"
title = "Report demo"

[late]
penalty_per_day = 10

[[assignment]]
name = "hub"
kind = "project"
title = "The hub"
points = 10
source = "starter"
contract = "contract"
framework = "flask"
deadline = 2026-12-11T23:59:00Z
"""

STARTER = {
    "starter/wsgi.py": "from hub import create_app\n\napp = create_app()\n",
    "starter/README.md": "# The hub\n\nWrite the functions marked TODO.\n",
    "starter/requirements.txt": "flask>=3\n",
    "starter/hub/__init__.py": '''
        """The hub."""
        from flask import Flask


        def create_app():
            """Make the app."""
            return Flask(__name__)
        ''',
    "starter/hub/devices.py": '''
        """Devices."""


        def create_device(data):
            """Register a device."""
            ### BEGIN SOLUTION
            return {"id": data["id"], "name": data.get("name", "")}
            ### END SOLUTION
        ''',
    "starter/hub/readings.py": '''
        """Readings."""


        def post_reading(device, value):
            """Store a reading."""
            ### BEGIN SOLUTION
            return {"device": device, "value": float(value)}
            ### END SOLUTION
        ''',
    "starter/hub/commands.py": '''
        """Commands."""


        def queue_command(device, command):
            """Queue a command."""
            ### BEGIN SOLUTION
            return [device, command]
            ### END SOLUTION
        ''',
    "contract/openapi.yaml": "openapi: 3.1.0\ninfo: {title: hub, version: '1'}\npaths: {}\n",
    "contract/tests/test_health.py": "def test_health():\n    pass\n",
}

# What ana wrote; ben's copy differs only in line endings, spaces, blank and comment lines.
WRITTEN = {
    "hub/devices.py": '"""Devices."""\n\n\ndef create_device(data):\n'
                      '    """Register a device."""\n    device = {"id": data["id"]}\n'
                      '    device["name"] = data.get("name") or ""\n    return device\n',
    "hub/readings.py": '"""Readings."""\n\n\ndef post_reading(device, value):\n'
                       '    """Store a reading."""\n    number = float(value)\n'
                       '    return {"device": device, "value": number}\n',
    "hub/commands.py": '"""Commands."""\n\n\ndef queue_command(device, command):\n'
                       '    """Queue a command."""\n    queue = [device]\n'
                       '    queue.append(command)\n    return queue\n',
    "hub/helpers.py": 'def clean(text):\n    return text.strip().lower()\n',
    "hub/limits.py": 'LIMIT = 100\n\n\ndef too_many(count):\n    return count > LIMIT\n',
}


def disguise(text: str) -> str:
    """The same code with CRLF line ends, trailing spaces, blank and comment-only lines."""
    lines = []
    for line in text.splitlines():
        lines.append(line + "   ")
        if line.strip().startswith("return"):
            lines.append("    # my own comment, honest")
            lines.append("")
    return "\r\n".join(["# written by ben", *lines]) + "\r\n"


def contract_tests(*, passing: set[str], post_message: str = "assert 404 == 201") -> list[dict]:
    """results.json tests as the grader writes them for a project (with stages)."""
    specs = [("tests/test_health.py::test_health", 1, "Health and devices", "public", 2),
             ("tests/test_devices.py::test_create_device_returns_201_and_the_device_with_its_"
              "api_key_once_only_never_again_in_any_listing", 1, "Health and devices", "public", 3),
             ("tests/test_readings.py::test_post", 2, "Posting readings", "public", 3),
             ("hidden/test_hidden_readings.py::test_many", 2, "Posting readings", "hidden", 2)]
    tests = []
    for name, stage, title, visibility, points in specs:
        short = name.rsplit("::", 1)[1]
        passed = short in passing or name in passing
        message = None
        if not passed and visibility == "public":
            message = post_message if short == "test_post" else f"{short} failed\nmore lines"
        tests.append({"name": name, "visibility": visibility, "points": float(points),
                      "earned": float(points) if passed else 0.0, "passed": passed,
                      "hint": f"Hint for {short}: read the lesson", "duration": 0.01,
                      "message": message, "outcome": "passed" if passed else "failed",
                      "stage": stage, "stage_title": title})
    return tests


ALL = {"test_health", "test_create_device_returns_201_and_the_device_with_its_api_key_once_only"
       "_never_again_in_any_listing", "test_post", "test_many"}
DEVICES = "test_create_device_returns_201_and_the_device_with_its_api_key_once_only_never_again" \
          "_in_any_listing"
PASSING = {
    "ana": ALL,
    "ben": ALL,
    "cai": {"test_health", DEVICES, "test_post"},
    "dan": {"test_health", DEVICES},
    "eve": set(),
    "fay": {"test_health"},
}
SCRIPT = '<script>alert("pwned")</script>'


def write_result(course_dir: Path, student: str, result: dict, assignment: str = "hub") -> None:
    path = results_path(course_dir, student, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result), encoding="utf-8")


def hand_in(course_dir: Path, release: Path, student: str, files: dict[str, str],
            *, timestamp: str = "2026-12-10 10:00:00.000000 UTC") -> Path:
    """submitted/<student>/hub/: the released starter with these files written over it."""
    target = course_dir / "submitted" / student / "hub"
    shutil.copytree(release, target)
    for name, text in files.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(text.encode())
    (target / "timestamp.txt").write_text(timestamp + "\n")
    cache = target / "hub" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "devices.cpython-311.pyc").write_bytes(student.encode() * 10)
    return target


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Course, Path]:
    """The course and a course directory with nine students (see the module docstring)."""
    base = tmp_path_factory.mktemp("report")
    root = base / "course"
    for name, text in {"course.toml": MANIFEST, **STARTER}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    course = load_course(root)
    release = checkpoint(course.get("hub"), 0, out=base / "release")
    cd = base / "course-dir"
    hand_in(cd, release.directory, "ana", WRITTEN)
    hand_in(cd, release.directory, "ben", {name: disguise(text) for name, text in WRITTEN.items()})
    hand_in(cd, release.directory, "cai", {**WRITTEN, "hub/extra.py": "EXTRA = True\n"})
    hand_in(cd, release.directory, "dan", {
        "hub/devices.py": "def create_device(data):\n    return dict(data)\n",
        "hub/readings.py": "def post_reading(d, v):\n    return {'device': d, 'value': v}\n",
        "hub/commands.py": "def queue_command(d, c):\n    return (d, c)\n",
        "hub/helpers.py": WRITTEN["hub/helpers.py"],  # one file in common is not a match
    })
    hand_in(cd, release.directory, "eve", {})
    hand_in(cd, release.directory, "fay", {}, timestamp="2026-12-13 09:00:00.000000 UTC")
    gus = hand_in(cd, release.directory, "gus", WRITTEN)
    (gus / "wsgi.py").unlink()
    hand_in(cd, release.directory, "hal", {"hub/devices.py": "x = 1\n"})
    hand_in(cd, release.directory, "ivy", {"hub/devices.py": "y = 2\n"})
    for student, passing in PASSING.items():
        result = make_result(
            student=student, assignment="hub", kind="project", max_score=10,
            tests=contract_tests(passing=passing, post_message=(
                SCRIPT if student in ("dan", "eve") else "assert 404 == 201")),
            feedback=[], submission_sha256="a" * 64, suite_version="b" * 64)
        write_result(cd, student, result)
    write_result(cd, "gus", make_result(
        student="gus", assignment="hub", kind="project", max_score=10, tests=[],
        status="needs attention", submission_sha256="c" * 64, suite_version="b" * 64,
        feedback=["No wsgi.py in your submission: found hub/ and README.md <img src=x "
                  "onerror=alert(1)>.", "Hand in the folder that holds wsgi.py."]))
    write_result(cd, "hal", make_result(
        student="hal", assignment="hub", kind="project", max_score=10, tests=[],
        status="error", submission_sha256="d" * 64, suite_version="b" * 64,
        feedback=["The grader failed on this submission: OSError: disk full"]))
    adjustments = cd / "autograded" / "dan" / "hub" / "adjustments.json"
    adjustments.write_text(json.dumps({"adjustments": [
        {"points": 1.0, "reason": "the <b>readme</b> explains the API well", "by": "me",
         "at": "2026-12-12T09:00:00+00:00"}]}), encoding="utf-8")
    for student in ("ana", "dan"):
        page = cd / "feedback" / student / "hub" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text("<p>feedback</p>", encoding="utf-8")
    return course, cd


@pytest.fixture(scope="module")
def page(course_dir: tuple[Course, Path]) -> str:
    """The report page, written where it goes by default."""
    course, cd = course_dir
    _report, path = write_report(course, "hub", course_dir=cd)
    assert path == cd / "reports" / "hub.html"
    return path.read_text(encoding="utf-8")


def section(page: str, name: str) -> str:
    """The HTML of one <section id=name>."""
    match = re.search(rf'<section id="{name}">(.*?)</section>', page, re.DOTALL)
    assert match, f"no section {name}"
    return match.group(1)


def cells(row_html: str) -> list[str]:
    """The text of a table row's cells, tags removed, whitespace collapsed."""
    found = re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.DOTALL)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in found]


def rows(part: str, css: str) -> list[list[str]]:
    """The cells of every <tr class=css> in part."""
    return [cells(r) for r in re.findall(rf'<tr class="{css}">(.*?)</tr>', part, re.DOTALL)]


# the numbers on the page


def test_summary_counts_and_spreads(page: str) -> None:
    summary = section(page, "summary")
    cards = dict((label, int(n)) for n, label in
                 re.findall(r"<b>(\d+)</b>([a-z ]+)</div>", summary))
    assert cards == {"submissions": 9, "graded": 6, "needs attention": 1, "errors": 1,
                     "not graded yet": 1}
    spread = [cells(r) for r in re.findall(r"<tr>(.*?)</tr>", summary, re.DOTALL)][1:]
    # finals: ana 10, ben 10, cai 8, dan 5 + 1, eve 0, fay 2 - 2 (two days late, 10 %/day)
    assert spread[0] == ["final grade", "5.67", "7", "0", "10"]
    assert spread[1] == ["autograded score", "5.83", "6.5", "0", "10"]


def test_histogram_is_an_inline_svg(page: str) -> None:
    part = section(page, "histogram")
    assert "<svg" in part and "<?xml" not in part and "DOCTYPE" not in part
    assert not re.findall(r'(?:src|href)="(?!#)', part)  # nothing fetched
    assert "<script" not in page  # and no script anywhere
    assert part.count("fill: #3f6fb5") == 10  # ten bins


def test_stage_pass_rates(page: str) -> None:
    stages = rows(section(page, "stages"), "stage")
    assert [s[1:] for s in stages] == [["5", "4 of 6", "73%"], ["5", "2 of 6", "43%"]]
    assert "Stage 1: Health and devices" in section(page, "stages")


def test_tests_most_failed_first(page: str) -> None:
    tests = rows(section(page, "tests"), "test")
    names = [re.sub(r"^\S+::", "", t[0].split()[0]) for t in tests]
    assert names == ["test_many", "test_post", DEVICES, "test_health"]
    assert [t[4] for t in tests] == ["2 of 6", "3 of 6", "4 of 6", "5 of 6"]
    assert [t[1:4] for t in tests][0] == ["2", "hidden", "2"]
    assert tests[0][5] == "Hint for test_many: read the lesson"
    # the most common failure message, with how many got it
    assert f"{SCRIPT} (2 students)" in tests[1][0]


def test_student_influenced_text_is_escaped(page: str) -> None:
    assert SCRIPT not in page and "<img src=x" not in page and "<b>readme</b>" not in page
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt; (2 students)" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_needs_attention_lists_every_problem(page: str) -> None:
    attention = {r[0]: r for r in rows(section(page, "attention"), "attention")}
    assert set(attention) == {"eve", "gus", "hal", "ivy"}
    assert attention["gus"][1] == "needs attention"
    assert "Hand in the folder that holds wsgi.py." in attention["gus"][2]
    assert attention["hal"][1] == "error" and "disk full" in attention["hal"][2]
    assert attention["ivy"][1] == "not graded yet"
    assert attention["eve"][1] == "graded (scored 0)"


def test_identical_and_near_identical_pairs(page: str) -> None:
    part = section(page, "similar")
    assert "A hint, not a verdict." in part
    identical = rows(part, "identical")
    # gus wrote the same files as ana and ben: flagged with them (he has no wsgi.py, which
    # the released starter gave him, and what was given never counts)
    assert [r[:2] for r in identical] == [["ana, ben, gus", "5"]]
    assert "hub/devices.py" in identical[0][2]
    near = rows(part, "near")
    assert [r[:3] for r in near] == [["ana, cai", "83%", "5 of 6"], ["ben, cai", "83%", "5 of 6"],
                                     ["cai, gus", "83%", "5 of 6"]]
    everyone = " ".join(" ".join(r[0] for r in found) for found in (identical, near))
    assert not {"dan", "eve", "fay", "hal", "ivy"} & set(everyone.replace(",", "").split())


def test_student_table_and_feedback_links(page: str) -> None:
    students = {r[0]: r for r in rows(section(page, "students"), "student")}
    assert list(students) == ["ana", "ben", "cai", "dan", "eve", "fay", "gus", "hal", "ivy"]
    assert students["dan"][1:6] == ["5", "1 1: the <b>readme</b> explains the API well", "—",
                                    "6 / 10", "graded"]
    assert students["fay"][3] == "-2 (2 days late)" and students["fay"][4] == "0 / 10"
    assert students["ivy"][1] == "—" and students["ivy"][5] == "not graded yet"
    # a submission that could not be graded shows no score, never a 0 that looks real
    assert students["gus"][1:6] == ["—", "—", "—", "—", "needs attention"]
    assert 'href="../feedback/ana/hub/index.html"' in page
    assert 'href="../feedback/dan/hub/index.html"' in page
    assert students["ben"][6] == "—"  # no feedback page: no dead link


def test_links_follow_the_page_when_written_elsewhere(course_dir: tuple[Course, Path],
                                                      tmp_path: Path) -> None:
    course, cd = course_dir
    report = build_report(course, "hub", course_dir=cd, similarity=False)
    out = cd / "reports" / "deep" / "hub.html"
    text = render_report(report, out=out)
    assert 'href="../../feedback/ana/hub/index.html"' in text
    assert "Not compared." in section(text, "similar")


# the similarity hints, piece by piece


def test_normalise_ignores_whitespace_line_ends_blank_and_comment_lines() -> None:
    code = "def f():\n    return 1\n"
    assert normalise(disguise(code), ".py") == normalise(code, ".py") == code.rstrip("\n")
    assert normalise("a {}\r\n/* note */\r\n\r\nb {}", ".css") == "a {}\nb {}"
    assert normalise("<p>x</p>\n<!-- note -->\n{# note #}\n", ".html") == "<p>x</p>"
    assert normalise("# Title\n\ntext  \n", ".md") == "# Title\ntext"  # markdown keeps #


def test_untouched_starters_match_nothing(course_dir: tuple[Course, Path]) -> None:
    course, cd = course_dir
    units = {s: submission_units(course, cd / "submitted" / s / "hub") for s in ("eve", "fay")}
    assert units["eve"] == units["fay"] and units["eve"]  # the same files...
    found = compare(units, given_units(course, course.get("hub")))
    assert found.identical == [] and found.near == []  # ...all of them given


def test_timestamp_and_caches_do_not_count(course_dir: tuple[Course, Path]) -> None:
    course, cd = course_dir
    labels = set(submission_units(course, cd / "submitted" / "ana" / "hub").values())
    assert "timestamp.txt" not in labels
    assert not any("__pycache__" in label for label in labels)


def notebook(cells: list[tuple[str, str]], *, outputs: str = "") -> str:
    """A notebook's JSON: (cell type, source) cells, code cells with this output."""
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {
        "name": "python3", "language": "python", "display_name": "Python 3"}}, "cells": [
        {"cell_type": kind, "id": f"c{i}", "metadata": {"seen": outputs},
         "source": source.splitlines(keepends=True),
         **({"outputs": [{"output_type": "stream", "name": "stdout", "text": outputs}],
             "execution_count": i} if kind == "code" else {})}
        for i, (kind, source) in enumerate(cells)]})


def test_notebooks_compare_cell_sources_without_the_released_cells(tmp_path: Path) -> None:
    course = load_course(FIXTURES / "notebook-demo")
    source = json.loads((course.get("demo").source / "demo.ipynb").read_text())
    given = ["".join(c["source"]) for c in source["cells"]]
    given[1] = 'def squares(n):\n    """Return [0, 1, 4, ...] up to (n - 1) ** 2."""\n' \
               "    # YOUR CODE HERE\n    raise NotImplementedError()"
    given[3] = given[3].split("### BEGIN HIDDEN TESTS")[0]  # the release leaves them out
    answer = "def squares(n):\n    return [i ** 2 for i in range(n)]\n"
    cells = [("markdown", given[0]), ("code", answer), ("code", given[2]), ("code", given[3])]
    untouched = [("markdown", given[0]), ("code", given[1]), ("code", given[2]),
                 ("code", given[3])]
    submissions = {"ana": notebook(cells, outputs="[0, 1, 4]"),
                   "ben": notebook([(k, s.replace("\n", "  \r\n")) for k, s in cells],
                                   outputs="different output"),
                   "eve": notebook(untouched), "fay": notebook(untouched, outputs="x")}
    units = {}
    for student, text in submissions.items():
        folder = tmp_path / student / "demo"
        folder.mkdir(parents=True)
        (folder / "demo.ipynb").write_text(text)
        units[student] = submission_units(course, folder)
    given_set = given_units(course, course.get("demo"))
    assert [units["ana"][u] for u in set(units["ana"]) - given_set] == ["demo.ipynb cell 2"]
    assert not set(units["eve"]) - given_set
    found = compare(units, given_set)
    assert [m.students for m in found.identical] == [("ana", "ben")] and found.near == []


def test_a_notebook_assignment_has_no_stage_section(tmp_path: Path) -> None:
    course = load_course(FIXTURES / "notebook-demo")
    cd = tmp_path / "course-dir"
    for student, passed in (("ana", True), ("ben", False)):
        folder = cd / "submitted" / student / "demo"
        folder.mkdir(parents=True)
        (folder / "demo.ipynb").write_text(notebook([("code", f"x = {passed}")]))
        tests = [{"name": "demo.ipynb::test_squares", "visibility": "public", "points": 2.0,
                  "earned": 2.0 if passed else 0.0, "passed": passed, "hint": None,
                  "duration": 0.0, "message": None if passed else "AssertionError"}]
        write_result(cd, student, make_result(
            student=student, assignment="demo", kind="notebook", tests=tests, feedback=[],
            submission_sha256="a" * 64, suite_version="b" * 64, max_score=3), "demo")
    report, path = write_report(course, "demo", course_dir=cd)
    text = path.read_text(encoding="utf-8")
    assert report.stages == [] and 'id="stages"' not in text and ">Stages</a>" not in text
    (test,) = rows(section(text, "tests"), "test")
    assert test[0] == "demo.ipynb::test_squares AssertionError" and test[4] == "1 of 2"
    assert rows(section(text, "similar"), "identical") == []


# the command


def test_command_writes_the_page_and_prints_a_summary(course_dir: tuple[Course, Path],
                                                      tmp_path: Path, capsys,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # long temporary paths stay on one line
    course, cd = course_dir
    out = tmp_path / "out" / "hub.html"
    code = main(["report", "hub", "--course", str(course.root), "--course-dir", str(cd),
                 "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0 and out.is_file()
    assert "Wrote" in printed and "hub.html" in printed
    assert re.search(r"submissions\s*│\s*9", printed) and "test_many" in printed


def test_command_without_submissions_says_what_to_do(course_dir: tuple[Course, Path],
                                                     tmp_path: Path, capsys) -> None:
    course, _cd = course_dir
    code = main(["report", "hub", "--course", str(course.root), "--course-dir", str(tmp_path)])
    error = capsys.readouterr().err
    assert code == 1 and "Nothing to report for hub" in error and "grader grade hub" in error
    code = main(["report", "nope", "--course", str(course.root), "--course-dir", str(tmp_path)])
    assert code == 1 and "No assignment 'nope'" in capsys.readouterr().err


# in a browser


@pytest.mark.slow
@needs_chromium
def test_report_reads_at_desktop_and_phone_width(page: str, course_dir: tuple[Course, Path],
                                                 tmp_path: Path) -> None:
    _course, cd = course_dir
    url = (cd / "reports" / "hub.html").as_uri()
    with chromium_page(tmp_path, SCREENSHOTS) as browser:
        for width in (1280, 390):
            with browser.steps(f"report-{width}"):
                browser.set_viewport_size({"width": width, "height": 900})
                browser.goto(url)
                scroll = browser.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, f"the page scrolls sideways at {width} px ({scroll})"
                histogram = browser.locator("#histogram svg")
                histogram.wait_for(state="visible")
                box = histogram.bounding_box()
                assert box and box["width"] > 200 and box["height"] > 80
                assert box["x"] + box["width"] <= width
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                browser.screenshot(path=str(SCREENSHOTS / f"report-{width}.png"),
                                   full_page=True)


def test_a_checkpoint_handed_back_is_named_and_checkpoints_alone_are_not_listed() -> None:
    """`grader checkpoint` gives a stuck student the reference solution through stage K:
    a submission equal to it is listed with it, near ones too; checkpoints that resemble
    each other are not a finding."""
    given = {"starter"}
    stage_one = dict.fromkeys(["starter", "s1", "a", "b", "c", "d"], "")
    references = {"checkpoint 1 (reference)": stage_one,
                  "checkpoint 2 (reference)": {**stage_one, "s2": ""}}  # 5 of 6 in common
    students = {"kim": dict(stage_one),
                "lou": {"x": "", "y": "", "z": ""}}
    found = compare(students, given, references)
    assert [m.students for m in found.identical] == [("checkpoint 1 (reference)", "kim")]
    assert [m.students for m in found.near] == [("checkpoint 2 (reference)", "kim")]
    assert found.compared == 2
