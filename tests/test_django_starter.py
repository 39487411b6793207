"""The Django starter: its solution blocks, its checkpoints, its migrations, settings and admin.

Every solution block says its stage (`### BEGIN SOLUTION (stage 2)`); `grader checkpoint
django-hub K` keeps the blocks of stages 1..K and strips the rest, and K = 0 is what students
get. A stripped block is a `raise NotImplementedError` (answered 501 not_implemented), or,
for an *addition* to code that works without it, a TODO comment alone. Whatever K, the starter
must pass `manage.py check` and need no new migration. Which contract tests pass at which
checkpoint is tests/checkpoint_matrix.py's business; here a probe tries a few requests.
Django is configured once per process, so each check runs `manage.py` (or a probe) in a
subprocess of its own.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hubtesting import REPO

from grader.course import load_course
from grader.markers import Block, find_blocks
from grader.release import checkpoint

STARTER = REPO / "starter" / "django"
ASSIGNMENT = "django-hub"
MAX_STUBS = 12

# Run inside a checkpoint: migrate a fresh database and try a few requests.
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
    "post-reading": client.post("/api/v1/devices/a/readings", {"sensor": "t", "value": 1},
                                content_type="application/json", HTTP_X_API_KEY="k"),
    "latest": client.get("/api/v1/devices/a/readings/latest"),
    "commands": client.post("/api/v1/devices/a/commands", {"name": "led", "value": "on"},
                            content_type="application/json", **admin),
}
print(json.dumps({k: [r.status_code, r.json()] for k, r in answers.items()}))
"""

# Production settings need all three; each case leaves one out or gets one wrong.
PROD_ENV = {
    "DJANGO_SECRET_KEY": "a-long-random-secret-for-the-test-only",
    "DJANGO_ALLOWED_HOSTS": "hub.example.org",
    "HUB_ADMIN_TOKEN": "a-real-admin-token",
}

# What a solution block may not contain: hand-written SQL, and the tuned techniques of
# lessons/examples/tuning/django_tuned.py (the measured lesson's "after").
NOT_IN_A_SOLUTION = re.compile(
    r"\.raw\(|\.extra\(|RawSQL|connection\.cursor|cursor\(\)|Subquery|savepoint|"
    r"plain_reading|path_and_key_devices|newest_per_sensor|SEEN_RESOLUTION|reading_json"
)


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


def blocks_by_file() -> dict[str, list[Block]]:
    """The solution blocks of each starter file that has any."""
    found = {}
    for path in python_files():
        blocks = find_blocks(path.read_text(encoding="utf-8"), path=path)
        if blocks:
            found[path.relative_to(STARTER).as_posix()] = blocks
    return found


def block_text(path: str, block: Block) -> str:
    """The lines between a block's markers."""
    lines = (STARTER / path).read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[block.begin : block.end - 1])


def test_solution_blocks_sit_in_the_files_a_student_works_in() -> None:
    """Views, authentication and the error envelope; stage 5's checks in parser and middleware.

    Models, migrations, settings, URLs and serializers stay given (a class body cannot hold a
    block): a student reads them and uses them from the views.
    """
    assert set(blocks_by_file()) == {
        "hub/views.py",
        "hub/authentication.py",
        "hub/exceptions.py",
        "hub/parsers.py",
        "hub/middleware.py",
    }


def test_every_block_names_a_stage_and_the_stubs_are_lesson_sized() -> None:
    """Stages 1-4 each ask for a few stubs, at most 12 in all; stage 5 only adds checks."""
    blocks = [block for blocks in blocks_by_file().values() for block in blocks]
    assert all(block.stage in range(1, 6) for block in blocks)
    stubs = Counter(block.stage for block in blocks if not block.addition)
    assert set(stubs) == {1, 2, 3, 4}, stubs
    assert sum(stubs.values()) <= MAX_STUBS, stubs
    additions = [block for block in blocks if block.addition]
    assert all(block.task for block in additions), "an addition says what to add"
    assert {block.stage for block in additions} >= {5}


@pytest.mark.parametrize(
    ("path", "block"),
    [(path, block) for path, blocks in blocks_by_file().items() for block in blocks],
    ids=lambda value: value if isinstance(value, str) else f"line-{value.begin}",
)
def test_solutions_are_plain_django(path: str, block: Block) -> None:
    """No hand-written SQL and none of the tuned techniques inside a solution block."""
    found = NOT_IN_A_SOLUTION.search(block_text(path, block))
    assert found is None, f"{path}:{block.begin}: {found.group()} in a solution block"


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory: pytest.TempPathFactory):
    """A factory: the starter at checkpoint K, built once per K by `grader checkpoint`."""
    assignment = load_course(REPO).get(ASSIGNMENT)
    built: dict[int, Path] = {}

    def build(stage: int) -> Path:
        if stage not in built:
            built[stage] = tmp_path_factory.mktemp(f"checkpoint-{stage}") / "django-hub"
            checkpoint(assignment, stage, out=built[stage])
        return built[stage]

    return build


def probe(directory: Path, tmp_path: Path) -> dict[str, list]:
    """The (status, body) of each request of PROBE, run inside `directory`."""
    done = run_in(
        directory,
        ["-c", PROBE],
        tmp_path,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        HUB_ADMIN_TOKEN="probe-token",
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("stage", [0, 1, 2, 3, 4, 5])
def test_every_checkpoint_checks_and_needs_no_migration(
    checkpoints, stage: int, tmp_path: Path
) -> None:
    """Stripped through any stage, the project passes check and its migrations match."""
    directory = checkpoints(stage)
    assert not any("SOLUTION" in p.read_text() for p in (directory / "hub").rglob("*.py"))
    check = run_in(directory, ["manage.py", "check"], tmp_path)
    assert check.returncode == 0, check.stderr
    makemigrations = ["manage.py", "makemigrations", "--check", "--dry-run"]
    migrations = run_in(directory, makemigrations, tmp_path)
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr


def test_the_release_answers_501_and_names_the_stage(checkpoints, tmp_path: Path) -> None:
    """Checkpoint 0, what students get: each stub answers 501 saying its stage and lesson."""
    answers = probe(checkpoints(0), tmp_path)
    for name in ("health", "create"):
        status, body = answers[name]
        assert status == 501, answers[name]
        assert body["error"]["code"] == "not_implemented"
        assert "stage 1: write" in body["error"]["message"], body
        assert "Stage 1: health and devices" in body["error"]["message"], body
    assert answers["list"] == [200, {"devices": []}]  # given: the lesson's worked example
    assert answers["unknown"][0] == 404
    assert "error" not in answers["unknown"][1], "the envelope is stage 1's addition"


def test_checkpoint_1_answers_stage_1_and_501_after(checkpoints, tmp_path: Path) -> None:
    """Checkpoint 1: health, devices and the envelope work; posting readings is stage 2."""
    answers = probe(checkpoints(1), tmp_path)
    assert answers["health"] == [200, {"status": "ok", "framework": "django"}]
    assert answers["create"][0] == 201 and answers["create"][1]["api_key"]
    assert answers["unknown"][0] == 404
    assert answers["unknown"][1]["error"]["code"] == "not_found"
    for name in ("post-reading", "latest", "commands"):
        status, body = answers[name]
        assert status == 501, answers[name]
        assert body["error"]["code"] == "not_implemented"


def test_the_full_starter_answers_everything(tmp_path: Path) -> None:
    """The reference solution, unstripped: every probe gets a real answer."""
    answers = probe(STARTER, tmp_path)
    assert answers["post-reading"][0] == 401  # the probe's key is not the device's
    assert answers["latest"] == [200, {"readings": []}]
    assert answers["commands"][0] == 201


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
