"""The Django starter: its solution markers, its migrations, its settings and its admin.

``grader release`` replaces every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block with
``raise NotImplementedError``. The released starter must still pass ``manage.py check``,
need no new migration, and answer ``/api/v1/health``; every endpoint still to be written
answers a 501 envelope. Django is configured once per process, so each check runs
``manage.py`` (or a probe) in a subprocess of its own.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from starter_markers import (
    assert_blocks_inside_functions,
    copy_stripped,
    grader_strip,
    marker_lines,
    regex_strip,
)

STARTER = Path(__file__).resolve().parents[1] / "starter" / "django"

# Run inside a (stripped) starter: migrate a fresh database and try a few requests.
PROBE = """
import json
import django
from django.core.management import call_command
from django.test import Client

django.setup()
call_command("migrate", verbosity=0)
client = Client()
admin = {"HTTP_AUTHORIZATION": "Bearer probe-token"}
device = {"id": "a", "name": "A", "kind": "k"}
answers = {
    "health": client.get("/api/v1/health"),
    "create": client.post("/api/v1/devices", device, content_type="application/json", **admin),
    "list": client.get("/api/v1/devices"),
    "unknown": client.get("/api/v1/nothing-here"),
}
print(json.dumps({k: [r.status_code, r.json()] for k, r in answers.items()}))
"""

# Production settings need all three; each case leaves one out or gets one wrong.
PROD_ENV = {
    "DJANGO_SECRET_KEY": "a-long-random-secret-for-the-test-only",
    "DJANGO_ALLOWED_HOSTS": "hub.example.org",
    "HUB_ADMIN_TOKEN": "a-real-admin-token",
}


def run_in(
    directory: Path, args: list[str], tmp_path: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run python with args in directory, with a fresh SQLite database and the given env."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUB_"))}
    clean.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        PYTHONDONTWRITEBYTECODE="1",
        **env,
    )
    return subprocess.run(
        [sys.executable, *args],
        cwd=directory,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )






def python_files() -> list[Path]:
    """The starter's Python sources (not its tests)."""
    return sorted(
        p for p in STARTER.rglob("*.py") if "tests" not in p.parts and p.name != "tests.py"
    )






def test_only_views_and_serializers_carry_solution_blocks() -> None:
    """A student writes views and validation; models, settings and plumbing stay given."""
    marked = {
        p.relative_to(STARTER).as_posix()
        for p in python_files()
        if marker_lines(p.read_text(encoding="utf-8"))
    }
    assert marked == {"hub/views.py", "hub/serializers.py"}


@pytest.mark.parametrize("path", python_files(), ids=lambda p: p.relative_to(STARTER).as_posix())
def test_markers_are_balanced_and_inside_function_bodies(path: Path) -> None:
    """Markers alternate BEGIN/END, and each block lies inside one function's body."""
    assert_blocks_inside_functions(path)


@pytest.fixture
def stripped_starter(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A copy of the starter with its solution blocks stripped by ``request.param``."""
    ignored = ["db.sqlite3*", "staticfiles"]
    return copy_stripped(STARTER, tmp_path / "django", request.param, ignored)


@pytest.mark.parametrize(
    "stripped_starter", [regex_strip, grader_strip], ids=["regex", "grader"], indirect=True
)
def test_stripped_starter_checks_and_answers_health(stripped_starter: Path, tmp_path: Path) -> None:
    """Stripped, the project passes check, needs no migration, answers health, says 501."""
    assert not any(marker_lines(p.read_text()) for p in stripped_starter.rglob("*.py"))
    check = run_in(stripped_starter, ["manage.py", "check"], tmp_path)
    assert check.returncode == 0, check.stderr
    migrations = run_in(
        stripped_starter, ["manage.py", "makemigrations", "--check", "--dry-run"], tmp_path
    )
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    probe = run_in(
        stripped_starter,
        ["-c", PROBE],
        tmp_path,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        HUB_ADMIN_TOKEN="probe-token",
    )
    assert probe.returncode == 0, probe.stderr
    answers = json.loads(probe.stdout)
    assert answers["health"] == [200, {"status": "ok", "framework": "django"}]
    for name in ("create", "list"):
        status, body = answers[name]
        assert status == 501, answers[name]
        assert body["error"]["code"] == "not_implemented"
        assert body["error"]["message"]
    assert answers["unknown"][0] == 404
    assert answers["unknown"][1]["error"]["code"] == "not_found"


def test_the_models_need_no_new_migration(tmp_path: Path) -> None:
    """The committed migrations match the models."""
    done = run_in(STARTER, ["manage.py", "makemigrations", "--check", "--dry-run"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No changes detected" in done.stdout


def test_the_admin_tests_pass(tmp_path: Path) -> None:
    """Django's own tests of the admin site (hub/tests.py) pass."""
    done = run_in(
        STARTER,
        ["manage.py", "test", "hub", "--noinput", "-v", "1"],
        tmp_path,
        DJANGO_SETTINGS_MODULE="config.settings.test",
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"Ran [1-9]\d* tests?", done.stderr), done.stderr


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
        ({"HUB_ADMIN_TOKEN": ""}, "HUB_ADMIN_TOKEN"),
        ({"HUB_ADMIN_TOKEN": "dev-admin-token"}, "HUB_ADMIN_TOKEN"),
    ],
    ids=["no-secret-key", "no-allowed-hosts", "no-admin-token", "dev-admin-token"],
)
def test_production_refuses_to_start_without_its_settings(
    tmp_path: Path, change: dict[str, str], named: str
) -> None:
    """HUB_ENV=production selects the prod settings, which name what is missing."""
    env = {**PROD_ENV, **change, "HUB_ENV": "production"}
    done = run_in(STARTER, ["-c", "import config.wsgi"], tmp_path, **env)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert named in done.stderr.splitlines()[-1]


def test_production_starts_with_its_settings(tmp_path: Path) -> None:
    """With the three settings, the production configuration passes Django's checks."""
    done = run_in(STARTER, ["manage.py", "check"], tmp_path, HUB_ENV="production", **PROD_ENV)
    assert done.returncode == 0, done.stderr
