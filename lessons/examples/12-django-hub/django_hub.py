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
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import checking
import httpx
from checking import RANDOM_ID, grader_check, show, stage_table  # noqa: F401 (for the examples)

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


def starter_at(stage: int) -> contextlib.AbstractContextManager[Path]:
    """Write the starter solved through ``stage`` into a temporary folder; yield the folder."""
    return checking.starter_at("django-hub", stage)


@contextlib.contextmanager
def checkpoint_hub(stage: int) -> Iterator[httpx.Client]:
    """The hub of the starter solved through ``stage``; yield a client for it."""
    with starter_at(stage) as folder, client_of(folder) as client:
        yield client


def register(hub: httpx.Client, device_id: str) -> dict[str, str]:
    """Register a device as the admin; return the X-API-Key header with its key."""
    body = {"id": device_id, "name": device_id.title(), "kind": "arduino-uno"}
    created = hub.post("/api/v1/devices", json=body, headers=ADMIN)
    created.raise_for_status()
    return {"X-API-Key": created.json()["api_key"]}
