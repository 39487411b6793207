"""The guide in a real released starter (checkpoint 0), where a student has no grader.

A student unpacks the flask-hub release, installs its requirements.txt and runs
`python -m pytest`. The contract plugin must then

- skip, not error, every test of a later stage that needs a device (registering one answers
  501 until stage 1 is written), with a reason naming the stage to finish first;
- fail the few stage 1 tests that need the shared device in one paragraph, no traceback;
- end with the guide (hubguide.py), the same lines `grader check` prints, within 80 columns.

The run also loads grader.plugin, which only records each test's outcome (for the asserts);
it changes nothing in how the tests run or what pytest prints.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from grader.check import print_report, run_check
from grader.course import Course
from grader.release import release_project

REPO = Path(__file__).resolve().parents[2]
DEVICE_SKIP = ("needs stage 1: registering a device answered 501 not_implemented — "
               "finish stage 1 first")
# what a released starter's requirements.txt installs, besides the standard library
STARTER_PACKAGES = {"pytest", "httpx", "yaml", "jsonschema", "referencing", "jsonschema_rs",
                    "flask", "django", "hub", "config"}  # the hub itself, and its framework


@pytest.fixture(scope="module")
def starter(repo_course: Course, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The flask-hub starter as released: every solution stripped (checkpoint 0)."""
    out = tmp_path_factory.mktemp("release")
    return release_project(repo_course.get("flask-hub"), out=out).directory


def pytest_in(starter: Path, *args: str, records: Path | None = None
              ) -> subprocess.CompletedProcess[str]:
    """`python -m pytest ARGS` in the starter, 80 columns wide, without colours."""
    record = ["-p", "grader.plugin", "--grader-results", str(records)] if records else []
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
    env.pop("PY_COLORS", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *record,
                           *args], cwd=starter, env=env, capture_output=True, text=True,
                          timeout=600, check=False)


@pytest.fixture(scope="module")
def raw_run(starter: Path, tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    """`python -m pytest` in the starter, and each test's record."""
    records = tmp_path_factory.mktemp("records") / "records.json"
    done = pytest_in(starter, records=records)
    assert records.is_file(), done.stdout[-3000:] + done.stderr[-3000:]
    return done, json.loads(records.read_text(encoding="utf-8"))["tests"]


def guide_lines(stdout: str) -> list[str]:
    """The lines of the guide: after its === header, before pytest's last line."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if " your hub (points: " in line)
    return lines[start + 1:-1]


def test_the_starter_needs_nothing_beyond_its_requirements(starter: Path) -> None:
    for name in ("hubcontract.py", "hubguide.py"):
        tree = ast.parse((starter / "contract" / name).read_text(encoding="utf-8"))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                    if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module and not node.level}
        extra = imported - set(sys.stdlib_module_names) - STARTER_PACKAGES - {"hubguide"}
        assert not extra, f"contract/{name} imports {extra}, which the starter does not install"


def test_later_stages_skip_with_the_stage_to_finish_first(raw_run) -> None:
    done, records = raw_run
    assert done.returncode == 1
    later = [r for r in records if (r["stage"] or 0) > 1]
    assert later and not [r["nodeid"] for r in later if r["outcome"] == "error"]
    skipped = [r for r in records if r["outcome"] == "skipped"]
    assert sum(r["message"] == DEVICE_SKIP for r in skipped) >= 10, done.stdout[-3000:]
    for r in skipped:  # every skip names an earlier stage than the test's own
        needed = re.match(r"needs stage (\d+): .* — finish stage \1 first$", r["message"])
        assert needed and int(needed[1]) < r["stage"], (r["nodeid"], r["message"])
        assert r["passed"] is False  # a skip earns nothing
    # pytest -ra folds the skips: one line per reason, not one per test
    reasons = {r["message"] for r in skipped}
    assert len(re.findall(r"^SKIPPED \[\d+\] ", done.stdout, re.M)) == len(reasons)
    assert f"contract/hubcontract.py:{_line_of_skips(done.stdout)}: {DEVICE_SKIP}" in done.stdout


def _line_of_skips(stdout: str) -> str:
    """The line number pytest gives the folded skips."""
    found = re.search(r"^SKIPPED \[\d+\] contract/hubcontract\.py:(\d+): needs stage", stdout,
                      re.M)
    assert found, stdout[-3000:]
    return found[1]


def test_stage_1_tests_without_a_device_fail_in_one_paragraph(raw_run) -> None:
    done, records = raw_run
    errors = [r for r in records if r["outcome"] == "error"]
    for r in errors:
        assert r["stage"] == 1 and r["message"].removeprefix("Failed: ").startswith(
            "this test could not start: POST /api/v1/devices answered 501 not_implemented"), r
    # their reports carry no traceback: no "file.py:NN: Error" lines in an ERROR section
    sections = re.split(r"^_+ ERROR at setup of .* _+$", done.stdout, flags=re.M)[1:]
    assert len(sections) == len(errors)
    for section in sections:
        body = section.split("\n___", 1)[0]
        assert not re.search(r"^\S+\.py:\d+: \w+", body, re.M), body


def test_the_run_ends_with_the_guide(raw_run) -> None:
    done, records = raw_run
    lines = guide_lines(done.stdout)
    assert max(len(line) for line in lines) <= 80
    assert re.match(r"^=+ \d+ failed, \d+ passed, \d+ skipped", done.stdout.splitlines()[-1])
    text = "\n".join(lines)
    assert "  → Stage 1  Health and devices" in text
    assert "Next, in Stage 1: Health and devices" in text
    first = next(r for r in records if r["stage"] == 1 and not r["passed"])
    next_at = lines.index(next(line for line in lines if line.startswith("Next, in")))
    shown = lines[next_at + 1]
    assert shown.startswith("  → ") and first["nodeid"].split("::")[1].startswith(shown[4:])
    assert "got:  POST /api/v1/devices answered 501 not_implemented: stage 1:" in text
    assert "python -m pytest --stage=K" in text


def test_grader_check_prints_the_same_guide(starter: Path, raw_run) -> None:
    console = Console(record=True, width=80)
    print_report(run_check(starter), console)
    # the same but for the random part of device ids the tests made up
    checked = re.sub(r"-[0-9a-f]{16}\b", "-ID", console.export_text()).splitlines()
    raw = guide_lines(re.sub(r"-[0-9a-f]{16}\b", "-ID", raw_run[0].stdout))
    # the same lines, but for how to see another stage (a grader option, a pytest option)
    assert checked[:-1] == raw[:-1]
    assert checked[-1].startswith("Another stage in full: grader check --stage K")


def test_stage_option_of_the_plain_run(starter: Path) -> None:
    done = pytest_in(starter, "-k", "test_health", "--stage=all")
    text = "\n".join(guide_lines(done.stdout))
    assert "Stage 1: Health and devices (" in text  # shown in full: each test on its line
    assert re.search(r"^    [✓✗] \d+/\d+  test_health", text, re.M), text
    refused = pytest_in(starter, "-k", "test_health", "--stage=9")
    assert refused.returncode == 4 and "--stage '9'" in refused.stderr


BLOCKED = """
    import pytest

    ANSWER = (
        "expected status 201\\nPOST /api/v1/devices/t-0123456789abcdef/readings?x=1 answered "
        "501\\n  content-type: application/json\\n  body: {\\"error\\": {\\"code\\": "
        "\\"not_implemented\\", \\"message\\": \\"stage 2: write post_readings()\\"}}"
    )


    @pytest.mark.stage(3)
    def test_of_a_later_stage():
        raise AssertionError(ANSWER)


    @pytest.mark.stage(2)
    def test_of_that_stage():
        raise AssertionError(ANSWER)
"""


def test_a_stub_of_an_earlier_stage_skips_a_later_test(tmp_path: Path, write_tree) -> None:
    """The contract plugin turns a 501 from an earlier stage's stub into a skip, no more."""
    contract = REPO / "starter" / "contract"
    write_tree(tmp_path, {
        "conftest.py": f"import sys\nsys.path.insert(0, {str(contract)!r})\n"
                       "pytest_plugins = ['hubcontract']\n",
        "test_blocked.py": BLOCKED,
    })
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rfs",
                           "test_blocked.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, check=False)
    assert "1 failed, 1 skipped" in done.stdout, done.stdout
    assert ("needs stage 2: POST /api/v1/devices/{device_id}/readings answered 501 "
            "not_implemented — finish stage 2 first") in done.stdout
    assert "FAILED test_blocked.py::test_of_that_stage" in done.stdout
