"""Hubs for the examples of lesson 12: the finished Django hub, or the starter at a checkpoint.

``finished_hub()`` sets up the course's finished Django hub (starter/django, every stage
written) with a fresh, migrated database, and yields an httpx client that talks to it inside
this program, the way the contract's tests do: no server and no port::

    with finished_hub() as hub:
        show(hub.get("/api/v1/health"))

Django is set up once per program (its settings and apps cannot be loaded twice), so an
example uses one hub: the finished one, or ``checkpoint_hub(K)``, the starter as it looks
once stage K is done (what ``grader checkpoint django-hub K`` writes; 0 is the starter as
you get it). ``starter_at(K)`` writes that starter into a temporary folder and yields it;
``grader_check(folder, ...)`` runs ``grader check`` there and returns what it prints.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[3]
STARTER = REPO / "starter" / "django"
ADMIN_TOKEN = "lesson-admin-token"
"""The admin token of the hubs made here."""
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
"""The header that proves a request comes from the admin."""


def setup_django(folder: Path, data: Path) -> None:
    """Set up the Django project in ``folder`` (settings config.settings.test), database in data.

    After this, ``import hub.views`` and the other modules of the project work, as in
    ``python manage.py shell``. The database is made by ``migrate``, as the tests make it.
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{data / 'hub.sqlite3'}"
    os.environ["HUB_ADMIN_TOKEN"] = ADMIN_TOKEN
    sys.path.insert(0, str(folder))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


@contextlib.contextmanager
def client_of(folder: Path) -> Iterator[httpx.Client]:
    """Set up the hub of a starter folder, with a fresh database; yield a client for it."""
    with tempfile.TemporaryDirectory() as data:
        setup_django(folder, Path(data))
        from config.wsgi import application
        from django.db import connections

        transport = httpx.WSGITransport(app=application)
        with httpx.Client(transport=transport, base_url="http://testserver") as client:
            yield client
        connections.close_all()


@contextlib.contextmanager
def finished_hub() -> Iterator[httpx.Client]:
    """A fresh finished hub; yield an httpx client that talks to it in-process."""
    with client_of(STARTER) as client:
        yield client


@contextlib.contextmanager
def finished_project() -> Iterator[None]:
    """The finished hub's Django project, set up with a fresh database, for importing its code."""
    with tempfile.TemporaryDirectory() as data:
        setup_django(STARTER, Path(data))
        yield
        from django.db import connections

        connections.close_all()


@contextlib.contextmanager
def starter_at(stage: int) -> Iterator[Path]:
    """Write the starter solved through ``stage`` into a temporary folder; yield the folder."""
    from grader.course import load_course
    from grader.release import checkpoint

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "django-hub"
        checkpoint(load_course(REPO).get("django-hub"), stage, out=folder)
        yield folder


@contextlib.contextmanager
def checkpoint_hub(stage: int) -> Iterator[httpx.Client]:
    """The hub of the starter solved through ``stage``; yield a client for it."""
    with starter_at(stage) as folder, client_of(folder) as client:
        yield client


RANDOM_ID = re.compile(r"-[0-9a-f]{16}\b")
"""The random part of the device ids the tests make (``t-05e66c5506a94369``)."""


def grader_check(folder: Path, *args: str) -> str:
    """Run ``grader check`` in a starter folder; return what it prints, 88 columns wide.

    The tests make devices with random ids, new on every run; their random part is shown
    as ``<random>``, so that the output is the same every time.
    """
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "88", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "grader", "check", *args],
        cwd=folder, env=env, capture_output=True, text=True, check=False,
    )
    return RANDOM_ID.sub("-<random>", done.stdout)


def stage_table(guide: str) -> str:
    """The first lines of what ``grader check`` prints: the table of the stages."""
    lines = guide.splitlines()
    return "\n".join(lines[: lines.index("")])


def show(response: httpx.Response) -> None:
    """Print the request and the answer's status; for an error, its code and message."""
    request = response.request
    target = request.url.raw_path.decode()
    print(f"{request.method} {target} -> {response.status_code}")
    if response.is_error and response.headers.get("content-type") == "application/json":
        body = response.json()
        if "error" in body:
            print(f"    {body['error']['code']}: {body['error']['message']}")
        else:  # not the contract's envelope: show the body as it came
            print(f"    body: {body}")


def register(hub: httpx.Client, device_id: str) -> dict[str, str]:
    """Register a device as the admin; return the X-API-Key header with its key."""
    body = {"id": device_id, "name": device_id.title(), "kind": "arduino-uno"}
    created = hub.post("/api/v1/devices", json=body, headers=ADMIN)
    created.raise_for_status()
    return {"X-API-Key": created.json()["api_key"]}


# --- the contract's public tests, by stage ---------------------------------------------------


def collect_tests() -> list[tuple[str, str, int, int, str]]:
    """Collect the public contract tests; return (file, test, stage, points, hint) for each.

    Each test carries three marks that the grader reads: ``@pytest.mark.stage(K)``,
    ``@pytest.mark.points(N)`` and ``@pytest.mark.hint("...")``. pytest collects the tests
    (it runs none) and a small plugin keeps the marks.
    """
    import io

    import pytest

    tests = []

    class Collector:
        def pytest_collection_finish(self, session: pytest.Session) -> None:
            for item in session.items:
                stage = item.get_closest_marker("stage")
                if stage is not None:
                    points = item.get_closest_marker("points").args[0]
                    hint = item.get_closest_marker("hint").args[0]
                    name = getattr(item, "originalname", item.name)
                    tests.append((item.path.name, name, stage.args[0], points, hint))

    args = ["--collect-only", "-q", "-p", "no:cacheprovider", "--backend", "django",
            str(REPO / "starter" / "contract" / "tests")]
    with contextlib.redirect_stdout(io.StringIO()):
        pytest.main(args, plugins=[Collector()])
    return tests


def points_text(points: float) -> str:
    """Say a number of points: "1 point", "3 points"."""
    return f"{points:g} point" if points == 1 else f"{points:g} points"


def print_stage(stage: int) -> None:
    """Print the public tests of ``stage``: per file, each test with its cases, points, hint."""
    cases: dict[tuple[str, str], list[float]] = defaultdict(list)
    hints: dict[tuple[str, str], str] = {}
    for file, name, test_stage, points, hint in collect_tests():
        if test_stage == stage:
            cases[file, name].append(points)
            hints[file, name] = hint
    total = sum(sum(points) for points in cases.values())
    count = sum(len(points) for points in cases.values())
    print(f"Stage {stage}: {count} public tests, {points_text(total)}")
    file_before = None
    for (file, name), points in cases.items():
        if file != file_before:
            print(f"{file}")
            file_before = file
        many = f"{len(points)} cases, " if len(points) > 1 else ""
        print(f"  {name} ({many}{points_text(sum(points))})")
        print(textwrap.fill(hints[file, name], width=88, initial_indent="      ",
                            subsequent_indent="      "))
