"""The stage of each test, from the plugin's records through results.json to the feedback page."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from grader.feedback import render_feedback
from grader.projects import TrustedSuite, build_tests
from grader.results import make_result

REPO = Path(__file__).resolve().parents[2]


def record(nodeid: str, stage: int | None, title: str | None, *, passed: bool,
           points: float = 1.0) -> dict:
    """A record as grader.plugin writes it."""
    path = nodeid.split("::", 1)[0]
    return {"nodeid": nodeid, "path": path, "points": points, "hint": f"hint of {nodeid}",
            "stage": stage, "stage_title": title, "outcome": "passed" if passed else "failed",
            "passed": passed, "duration": 0.01, "message": None if passed else "assert 1 == 2"}


def suite(tmp_path: Path) -> TrustedSuite:
    """A trusted suite as build_tests needs it (only its visibility rule is used)."""
    return TrustedSuite(source=tmp_path, copy=tmp_path, ini=tmp_path / "ini", version="v")


def page_for(tests: list[dict]) -> str:
    """The feedback page of a result holding these results.json tests."""
    result = make_result(student="ada", assignment="flask-hub", kind="project", tests=tests,
                         feedback=[], submission_sha256="a" * 64, suite_version="b" * 64)
    return render_feedback(result)


def test_the_plugin_records_stage_and_title_from_the_contract(tmp_path: Path) -> None:
    out = tmp_path / "records.json"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "grader.plugin",
         "--grader-results", str(out), "--backend", "flask", "-q",
         "starter/contract/tests/test_stats.py", "starter/contract/tests/test_health.py",
         "-k", "health or stats_of_an_unknown"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert out.is_file(), done.stdout[-2000:] + done.stderr[-2000:]
    records = json.loads(out.read_text(encoding="utf-8"))["tests"]
    assert records, done.stdout[-2000:]
    assert {(r["stage"], r["stage_title"]) for r in records} == {
        (1, "Health and devices"), (3, "Reading back")}
    # in teaching order, whatever order the files were named in
    stages = [r["stage"] for r in records]
    assert stages == sorted(stages) and stages[0] == 1


def test_results_json_tests_carry_stage_and_title(tmp_path: Path) -> None:
    raw = {"tests": [record("tests/test_a.py::test_x", 2, "Posting readings", passed=True),
                     record("hidden/test_b.py::test_y", 1, "Health and devices", passed=False)]}
    tests = build_tests(raw, suite(tmp_path))
    assert [(t["name"], t["stage"], t["stage_title"], t["visibility"]) for t in tests] == [
        ("tests/test_a.py::test_x", 2, "Posting readings", "public"),
        ("hidden/test_b.py::test_y", 1, "Health and devices", "hidden"),
    ]
    assert tests[1]["message"] is None  # a hidden test's failure stays hidden


def test_records_from_before_stages_give_null_stages(tmp_path: Path) -> None:
    old = record("tests/test_a.py::test_x", None, None, passed=True)
    del old["stage"], old["stage_title"]
    (test,) = build_tests({"tests": [old]}, suite(tmp_path))
    assert (test["stage"], test["stage_title"], test["earned"]) == (None, None, 1.0)


def test_feedback_groups_the_tests_by_stage_with_subtotals(tmp_path: Path) -> None:
    raw = {"tests": [
        record("tests/test_h.py::test_health", 1, "Health and devices", passed=True, points=2),
        record("tests/test_d.py::test_devices", 1, "Health and devices", passed=False),
        record("tests/test_r.py::test_post", 2, "Posting readings", passed=False, points=3),
        record("hidden/test_hidden_r.py::test_secret", 2, "Posting readings", passed=True),
        record("tests/test_cli.py::test_cli", None, None, passed=True),
    ]}
    whole = page_for(build_tests(raw, suite(tmp_path)))
    page = whole[whole.index("<h2>The tests"):]  # the stage bar and the next step come first
    headings = ["Stage 1: Health and devices", "Stage 2: Posting readings", "Other tests"]
    places = [page.index(h) for h in headings]
    assert places == sorted(places), "stages in order, the tests without a stage last"
    assert "2 / 3 points, 1 of 2 tests passed" in page  # stage 1
    assert "1 / 4 points, 1 of 2 tests passed" in page  # stage 2
    assert "✓ Other tests" in page and "✓ Stage 1" not in page
    # each test sits under its own stage's heading, the failing ones first
    assert places[0] < page.index("test_devices") < page.index("test_health") < places[1]
    assert places[1] < page.index("test_post") < page.index("test_secret") < places[2]
    assert places[2] < page.index("test_cli")
    assert "4 / 8" in whole  # the score still counts every test


def test_feedback_without_stages_is_one_table(tmp_path: Path) -> None:
    tests = build_tests({"tests": [record("tests/t.py::test_a", None, None, passed=True)]},
                        suite(tmp_path))
    page = page_for(tests)
    assert "<h3" not in page and "Other tests" not in page and "test_a" in page
