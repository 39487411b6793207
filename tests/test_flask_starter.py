"""The Flask starter's solution markers, and what a student gets once they are stripped.

Every solution block says its stage: ``### BEGIN SOLUTION (stage 2)`` becomes a TODO and a
``raise NotImplementedError`` (a *stub*, answered 501), ``### BEGIN SOLUTION (stage 5,
addition) ...`` a TODO comment alone. ``grader checkpoint flask-hub K`` keeps the blocks of
stages 1..K. Stripped at any checkpoint the hub must still import and start; released (K=0)
it answers 501 wherever code is still to be written. The stubs are few and short, one unit
of a lesson each, and the reference solutions inside them are plain Flask-SQLAlchemy: the
tuned versions live in lessons/examples/tuning/flask_tuned.py.
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
from hubtesting import REPO
from starter_markers import assert_blocks_inside_functions, copy_stripped, marker_lines

from grader.course import load_course
from grader.markers import find_blocks, strip_source

STARTER = REPO / "starter" / "flask"
STAGES = load_course(REPO).get("flask-hub").stage_references()
MAX_STUBS = 16
MAX_STUB_LINES = 30

# Run inside the stripped copy: build the app as the grader does, and try a few requests.
PROBE = """
import json
from wsgi import app
client = app.test_client()
admin = {"Authorization": "Bearer probe-token"}
answers = {
    "health": client.get("/api/v1/health"),
    "create": client.post("/api/v1/devices", json={"id": "a", "name": "A", "kind": "k"},
                          headers=admin),
    "list": client.get("/api/v1/devices"),
    "unknown": client.get("/api/v1/nothing-here"),
}
print(json.dumps({k: [r.status_code, r.get_json()] for k, r in answers.items()}))
"""


def python_files() -> list[Path]:
    """The starter's Python sources (not its tests)."""
    return sorted(p for p in STARTER.rglob("*.py") if "tests" not in p.parts)


def blocks_of(path: Path) -> list:
    """The solution blocks of a file (grader.markers.Block: begin, end, stage, addition)."""
    return find_blocks(path.read_text(encoding="utf-8"), path=path)


def strip_through(stage: int):
    """A strip function for copy_stripped: keep the blocks of stages 1..stage."""
    return lambda text, path: strip_source(text, path=path, through=stage, stages=STAGES)


def test_the_starter_has_solution_blocks_in_every_module_a_student_writes() -> None:
    """The views, the error handler, the credentials and reading JSON carry markers."""
    marked = {p.name for p in python_files() if marker_lines(p.read_text(encoding="utf-8"))}
    assert marked == {
        "health.py",
        "errors.py",
        "auth.py",
        "schemas.py",
        "devices.py",
        "readings.py",
        "commands.py",
    }


@pytest.mark.parametrize("path", python_files(), ids=lambda p: p.name)
def test_markers_are_balanced_staged_and_inside_function_bodies(path: Path) -> None:
    """Markers alternate BEGIN/END inside a function; each block names one of the 5 stages."""
    markers = assert_blocks_inside_functions(path)
    blocks = blocks_of(path)
    assert len(blocks) == len(markers) // 2
    for block in blocks:
        assert block.stage in STAGES, f"{path.name}:{block.begin}: say the block's stage"
        if block.addition:
            assert block.stage == 5 and block.task, f"{path.name}:{block.begin}"
    stripped = strip_source(path.read_text(encoding="utf-8"), path=path, stages=STAGES)
    raises = [
        node
        for node in ast.walk(ast.parse(stripped))
        if isinstance(node, ast.Raise) and "NotImplementedError" in ast.unparse(node)
    ]
    assert len(raises) == sum(not block.addition for block in blocks)


def test_the_release_has_few_short_stubs_one_per_lesson_unit() -> None:
    """At most 16 stubs, each in its own function and at most 30 lines of solution."""
    stubs = [
        (path.name, block.begin, block.stage, block.end - block.begin - 1)
        for path in python_files()
        for block in blocks_of(path)
        if not block.addition
    ]
    assert len(stubs) <= MAX_STUBS, stubs
    long = [stub for stub in stubs if stub[3] > MAX_STUB_LINES]
    assert not long, f"stubs longer than {MAX_STUB_LINES} lines: {long}"
    assert {stage for _, _, stage, _ in stubs} == {1, 2, 3, 4}, (
        "stages 1 to 4 each ask for code; stage 5 only adds checks to it (additions)"
    )


def test_solutions_are_plain_flask_sqlalchemy() -> None:
    """No recursive CTE, Core insert, table object or hand-written SQL inside a solution."""
    tuned = re.compile(r"recursive|insert\(|__table__|text\(")
    found = []
    for path in python_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        for block in blocks_of(path):
            for number in range(block.begin, block.end - 1):
                if tuned.search(lines[number]):
                    found.append(f"{path.name}:{number + 1}: {lines[number].strip()}")
    assert not found, found


def run_in(starter: Path, code: str) -> str:
    """Run Python `code` in the starter's folder with a fresh database; return its output."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{starter / 'probe.sqlite3'}",
        "HUB_ADMIN_TOKEN": "probe-token",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("HUB_ENV", None)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=starter,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def run_probe(starter: Path) -> dict:
    """Start the starter's wsgi app in a subprocess and try a few requests."""
    return json.loads(run_in(starter, PROBE))


def test_released_starter_starts_and_answers_501(tmp_path: Path) -> None:
    """Released (checkpoint 0), the hub imports and starts; what is still to write says 501."""
    starter = copy_stripped(STARTER, tmp_path / "flask", strip_through(0), ["instance"])
    assert not any(marker_lines(p.read_text()) for p in starter.rglob("*.py"))
    answers = run_probe(starter)
    for name in ("health", "create", "list"):
        status, body = answers[name]
        assert status == 501, answers[name]
        assert body["error"]["code"] == "not_implemented"
        assert body["error"]["message"].startswith("stage 1: write ")
        assert "Stage 1: health and devices" in body["error"]["message"]
    # The handler that wraps Flask's own errors is a stub too: it fails, so a 500.
    assert answers["unknown"] == [500, answers["unknown"][1]]
    assert answers["unknown"][1]["error"]["code"] == "internal_error"


def test_stage_1_checkpoint_answers_health_devices_and_json_errors(tmp_path: Path) -> None:
    """With stage 1 written, health, devices and the envelope of Flask's errors work."""
    starter = copy_stripped(STARTER, tmp_path / "flask", strip_through(1), ["instance"])
    answers = run_probe(starter)
    assert answers["health"] == [200, {"status": "ok", "framework": "flask"}]
    assert answers["create"][0] == 201 and len(answers["create"][1]["api_key"]) >= 32
    assert [d["id"] for d in answers["list"][1]["devices"]] == ["a"]
    assert answers["unknown"][0] == 404
    assert answers["unknown"][1]["error"]["code"] == "not_found"


@pytest.mark.parametrize("stage", range(6))
def test_every_checkpoint_is_valid_python_that_imports(stage: int, tmp_path: Path) -> None:
    """Each checkpoint strips to valid Python, and its app builds."""
    starter = copy_stripped(STARTER, tmp_path / "flask", strip_through(stage), ["instance"])
    for path in starter.rglob("*.py"):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    run_in(starter, "from hub import create_app; create_app()")
