"""The Flask starter's solution markers, and what a student gets once they are stripped.

``grader release`` replaces every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block with
``raise NotImplementedError``. The released starter must still import, start and answer
``/api/v1/health``; every endpoint still to be written answers a 501 envelope.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from starter_markers import (
    assert_blocks_inside_functions,
    copy_stripped,
    function_spans,
    grader_strip,
    marker_lines,
    regex_strip,
)

STARTER = Path(__file__).resolve().parents[1] / "starter" / "flask"

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






def test_the_starter_has_solution_blocks_in_every_resource_module() -> None:
    """The endpoint modules and the validation carry markers; the factory does not."""
    marked = {p.name for p in python_files() if marker_lines(p.read_text(encoding="utf-8"))}
    assert {"devices.py", "readings.py", "commands.py", "schemas.py", "auth.py"} <= marked
    assert not marked & {"__init__.py", "db.py", "models.py", "errors.py", "health.py", "wsgi.py"}


@pytest.mark.parametrize("path", python_files(), ids=lambda p: p.name)
def test_markers_are_balanced_and_inside_function_bodies(path: Path) -> None:
    """Markers alternate BEGIN/END, and each block lies inside one function's body."""
    markers = assert_blocks_inside_functions(path)
    text = path.read_text(encoding="utf-8")
    stripped = regex_strip(text, path)
    placeholders = [
        node.lineno
        for node in ast.walk(ast.parse(stripped))
        if isinstance(node, ast.Raise) and "NotImplementedError" in ast.unparse(node)
    ]
    assert len(placeholders) == len(markers) // 2
    stripped_spans = function_spans(stripped)
    assert all(any(a < line <= b for a, b in stripped_spans) for line in placeholders)


@pytest.fixture
def stripped_starter(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A copy of the starter with its solution blocks stripped by ``request.param``."""
    return copy_stripped(STARTER, tmp_path / "flask", request.param, ["instance"])


@pytest.mark.parametrize(
    "stripped_starter", [regex_strip, grader_strip], ids=["regex", "grader"], indirect=True
)
def test_stripped_starter_starts_and_answers_health(stripped_starter: Path) -> None:
    """Stripped, the hub imports, answers health, and says 501 where code is still to write."""
    assert not any(marker_lines(p.read_text()) for p in stripped_starter.rglob("*.py"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{stripped_starter / 'probe.sqlite3'}",
        "HUB_ADMIN_TOKEN": "probe-token",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("HUB_ENV", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=stripped_starter,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    assert answers["health"] == [200, {"status": "ok", "framework": "flask"}]
    for name in ("create", "list"):
        status, body = answers[name]
        assert status == 501, answers[name]
        assert body["error"]["code"] == "not_implemented"
        assert body["error"]["message"]
    assert answers["unknown"][0] == 404
    assert answers["unknown"][1]["error"]["code"] == "not_found"
