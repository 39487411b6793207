"""A week of an instructor's work on one class of ten, from the LMS download to the grades.

The class hands in the Flask hub in every way a real class does: a zip, a tarball, a
folder, a project two folders down, Canvas's and Moodle's bulk-download names, one late,
one with an extension, two identical (one of them with its comments and blank lines
changed), one that does not start, one without its wsgi.py. The submissions are the
course's own checkpoints (`grader checkpoint`), so the scores are known to rise stage by
stage (tests/grader/test_grade_checkpoints.py) and the last one is full marks.

Then, through the command line as an instructor types it: `grader collect`, `grader
grade`, `grader adjust`, `grader report`, `grader export --format all` with a Canvas
roster, `grader feedback` — each checked against numbers worked out here, and the real
feedback page and class report screenshotted at 1280 and 390 px.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest
from browsertesting import SCREENSHOTS, chromium_page, needs_chromium
from hubtesting import REPO

from grader.__main__ import main
from grader.course import load_course
from grader.release import checkpoint
from grader.report import build_report
from grader.results import read_result, results_path
from grader.sandbox import detect_sandbox

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not detect_sandbox().isolated, reason="needs root and bubblewrap"),
    pytest.mark.xdist_group("instructor-e2e"),
]

ASSIGNMENT = "flask-hub"
DEADLINE = "2026-12-11T23:59:00Z"
LATE_POLICY = """
[late]
penalty_per_day = 10
max_penalty = 50
grace_minutes = 10
"""
#: student -> (checkpoint, when handed in); eve is two started days late (20 % of 334
#: points), cai one day late but with a two-day extension.
CLASS = {
    "ana": (5, "2026-12-10T18:00:00+00:00"),
    "ben": (2, "2026-12-11T23:00:00+00:00"),
    "cai": (3, "2026-12-12T20:00:00+00:00"),
    "dan": (5, "2026-12-11T12:00:00+00:00"),
    "evans": (4, "2026-12-13T10:00:00+00:00"),
    "fay": (3, "2026-12-11T09:00:00+00:00"),
    "gus": (3, "2026-12-11T09:30:00+00:00"),
    "hal": (2, "2026-12-11T20:00:00+00:00"),
    "ivy": (3, "2026-12-11T21:00:00+00:00"),
    "jo-park": (1, "2026-12-11T22:00:00+00:00"),
}
LATE_PENALTY = 66.8  # evans: 2 days x 10 % of 334


@pytest.fixture(scope="module")
def course_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real course's flask-hub with a deadline, an extension and a late policy."""
    root = tmp_path_factory.mktemp("course")
    text = (REPO / "course.toml").read_text()
    block = re.search(r'\[\[assignment\]\]\nname = "flask-hub"\n.*?\n\]\n', text, re.S)
    assert block, "course.toml has no flask-hub block"
    entry = re.sub(r'"(starter|lessons)/', lambda m: f'"{REPO}/{m.group(1)}/', block.group(0))
    (root / "course.toml").write_text(
        f'[course]\nid = "blink-e2e"\ntitle = "A test class"\n{LATE_POLICY}\n{entry}'
        f"deadline = {DEADLINE}\n[assignment.extensions]\ncai = 2\n")
    return root


def zip_folder(folder: Path, archive: Path, *, under: str = "") -> None:
    """Zip the files of folder, each name prefixed with under (a folder inside the zip)."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zipped.write(path, under + path.relative_to(folder).as_posix())


def write_download(course_root: Path, where: Path) -> tuple[Path, Path, Path]:
    """The LMS download of the class, its hand-in times, and the LMS's roster."""
    project = load_course(course_root).get(ASSIGNMENT)
    built = where / "built"
    for student, (stage, _) in CLASS.items():
        checkpoint(project, stage, out=built / student)
        if student not in ("fay", "gus"):  # the pair wrote the same code; nobody else did
            (built / student / "hub" / "about.py").write_text(f'AUTHOR = "{student}"\n')
    gus = built / "gus" / "hub" / "devices.py"  # the same code, comments and spacing changed
    gus.write_text("# my version\n\n" + gus.read_text().replace("\n\n\n", "\n\n\n\n") + "\n\n")
    health = built / "hal" / "hub" / "health.py"
    health.write_text(health.read_text() + "\ndef broken(:\n    pass\n")
    (built / "ivy" / "wsgi.py").unlink()  # handed in without it: cannot be run

    download = where / "download"
    zip_folder(built / "ana", download / "ana.zip")
    with tarfile.open(download / "ben.tar.gz", "w:gz") as tarred:
        tarred.add(built / "ben", arcname=".")
    shutil.copytree(built / "cai", download / "cai")
    zip_folder(built / "dan", download / "dan.zip", under="flask-hub-main/flask-hub/")
    zip_folder(built / "evans", download / "evans_LATE_1005_2005_flask-hub.zip")
    for student in ("fay", "gus", "hal", "ivy"):
        zip_folder(built / student, download / f"{student}.zip")
    zip_folder(built / "jo-park",
               download / "Jo Park_1010_assignsubmission_file_" / "flask-hub.zip")

    times = where / "times.csv"
    times.write_text("student,submitted_at\n" + "".join(
        f"{student},{when}\n" for student, (_, when) in CLASS.items()))
    roster = where / "canvas-roster.csv"
    rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section"],
            ["    Points Possible", "", "", "", ""]]
    rows += [[student.title(), str(1000 + n), f"S{n:03}", student, "Lab A"]
             for n, student in enumerate(CLASS)]
    rows.append(["Zed Absent", "1999", "S999", "zed", "Lab A"])
    with roster.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return download, times, roster


@pytest.fixture(scope="module")
def week(course_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Collect, grade, adjust, report, export and hand back, through the command line."""
    where = tmp_path_factory.mktemp("class")
    download, times, roster = write_download(course_root, where)
    course_dir = where / "course-dir"
    common = ["--course", str(course_root), "--course-dir", str(course_dir)]
    codes = {
        "collect": main(["collect", ASSIGNMENT, str(download), "--times", str(times), *common]),
        "grade": main(["grade", ASSIGNMENT, "-j", "2", *common]),
        "adjust": main(["adjust", ASSIGNMENT, "ben", "--points", "3", "--reason",
                        "the test of the reading limit failed on our side", *common]),
        "report": main(["report", ASSIGNMENT, *common]),
        "export": main(["export", "--format", "all", "--canvas-roster", str(roster),
                        "--no-plots", *common]),
        "feedback": main(["feedback", ASSIGNMENT, *common]),
    }
    results = {s: read_result(results_path(course_dir, s, ASSIGNMENT)) for s in CLASS}
    return {"codes": codes, "dir": course_dir, "results": results,
            "course": load_course(course_root)}


def test_every_command_succeeds(week: dict) -> None:
    assert week["codes"] == dict.fromkeys(week["codes"], 0)


def test_collect_finds_every_student_and_the_project_inside_each(week: dict) -> None:
    records = json.loads((week["dir"] / "collected" / f"{ASSIGNMENT}.json").read_text())
    by_student = {r["student"]: r for r in records}
    assert sorted(by_student) == sorted(CLASS)
    assert by_student["dan"]["root"] == "flask-hub-main/flask-hub"
    assert by_student["ivy"]["status"].startswith("needs attention")
    assert all(r["status"] == "ok" for s, r in by_student.items() if s != "ivy")
    assert by_student["evans"]["submitted_at"].startswith("2026-12-13T10:00:00")
    stamp = (week["dir"] / "submitted" / "evans" / ASSIGNMENT / "timestamp.txt").read_text()
    assert stamp.strip() == "2026-12-13 10:00:00.000000 UTC"


def test_the_scores_rise_with_the_stages_and_the_broken_ones_say_so(week: dict) -> None:
    results = week["results"]
    score = {s: r["score"] for s, r in results.items()}
    assert results["ivy"]["status"] == "needs attention" and not results["ivy"]["tests"]
    assert "wsgi.py" in " ".join(results["ivy"]["feedback"])
    assert results["hal"]["status"] == "graded" and score["hal"] == 0
    assert score["ana"] == score["dan"] == 334
    assert score["fay"] == score["gus"] == score["cai"]
    assert score["hal"] < score["jo-park"] < score["ben"] < score["fay"] < score["evans"] < 334


def test_the_adjustment_and_the_late_policy_make_the_final_grades(week: dict) -> None:
    from grader.adjust import final_grade

    grades = {s: final_grade(week["course"], week["dir"], r) for s, r in week["results"].items()}
    assert grades["ben"].final == week["results"]["ben"]["score"] + 3
    assert grades["evans"].late["days_late"] == 2
    assert grades["evans"].final == round(week["results"]["evans"]["score"] - LATE_PENALTY, 2)
    assert grades["cai"].late is None  # one day late, with two days' extension
    untouched = set(CLASS) - {"ben", "evans"}
    assert all(grades[s].final == week["results"][s]["score"] for s in untouched)


def test_the_report_counts_the_class_and_flags_the_identical_pair(week: dict) -> None:
    report = build_report(week["course"], ASSIGNMENT, course_dir=week["dir"])
    assert len(report.rows) == 10 and len(report.graded) == 9
    assert report.count("needs attention") == 1
    assert {row.student for row in report.attention} == {"hal", "ivy"}
    # the pair handed in checkpoint 3 (the reference through stage 3), and the report says so
    assert [m.students for m in report.similarity.identical] == [
        ("checkpoint 3 (reference)", "fay", "gus")]
    assert report.final.high == 334 and report.final.low == 0
    rates = report.tests
    assert rates == sorted(rates, key=lambda t: (t.share, t.order))  # most failed first
    assert all(t.ran == 9 for t in rates)
    stage_one = report.stages[0]
    assert (stage_one.students, stage_one.passed_all) == (9, 8)  # all but hal
    page = (week["dir"] / "reports" / f"{ASSIGNMENT}.html").read_text()
    assert "fay, gus" in page and "A hint, not a verdict" in page


def test_the_gradebook_exports_carry_the_final_grades(week: dict) -> None:
    from grader.adjust import final_grade

    final = {s: final_grade(week["course"], week["dir"], r).final
             for s, r in week["results"].items()}
    with (week["dir"] / "grades.csv").open() as handle:
        book = {row["student"]: row for row in csv.DictReader(handle)}
    assert book["ivy"][ASSIGNMENT] == "needs attention"
    for student in set(CLASS) - {"ivy"}:
        assert float(book[student][ASSIGNMENT]) == final[student], student

    with (week["dir"] / "exports" / "canvas.csv").open() as handle:
        canvas = list(csv.reader(handle))
    column = next(i for i, name in enumerate(canvas[0]) if name.startswith("The hub in Flask"))
    assert canvas[1][0].strip() == "Points Possible" and float(canvas[1][column]) == 334
    cells = {row[3]: row[column] for row in canvas[2:]}
    assert float(cells["evans"]) == final["evans"] and cells["ivy"] == ""
    assert "zed" not in cells or cells["zed"] == ""

    for student in set(CLASS) - {"ivy"}:
        path = week["dir"] / "exports" / "gradescope" / ASSIGNMENT / student / "results.json"
        gradescope = json.loads(path.read_text())
        assert gradescope["score"] == final[student]
        assert len(gradescope["tests"]) == len(week["results"][student]["tests"])
        hidden = [t for t in gradescope["tests"] if t["visibility"] == "after_published"]
        assert hidden and all(not t.get("output") for t in hidden)


def test_every_student_gets_a_bundle_with_the_page_and_the_grade(week: dict) -> None:
    from grader.adjust import final_grade

    for student, result in week["results"].items():
        bundle = week["dir"] / "feedback-bundles" / ASSIGNMENT / f"{student}.zip"
        with zipfile.ZipFile(bundle) as zipped:
            names = set(zipped.namelist())
            summary = json.loads(zipped.read("results.json"))
            page = zipped.read("index.html").decode()
        assert {"index.html", "results.json"} <= names, student
        if result["status"] == "graded":
            assert summary["grade"]["final"] == final_grade(week["course"], week["dir"],
                                                            result).final
        assert all(t["message"] is None for t in summary["tests"] if t["visibility"] == "hidden")
        if result["score"] < result["max_score"]:
            assert "What to do next" in page, student
    ben = (week["dir"] / "feedback" / "ben" / ASSIGNMENT / "index.html").read_text()
    assert "the test of the reading limit failed on our side" in ben


@needs_chromium
def test_the_real_pages_fit_the_screen(week: dict, tmp_path: Path) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {"e2e-feedback-evans": week["dir"] / "feedback" / "evans" / ASSIGNMENT / "index.html",
             "e2e-report": week["dir"] / "reports" / f"{ASSIGNMENT}.html"}
    with chromium_page(tmp_path, SCREENSHOTS) as page:
        for (name, path), width in itertools.product(pages.items(), (1280, 390)):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(path.as_uri())
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at {width} px"
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=False)
