"""Hubs for the examples of lesson 6: the finished hub, or the starter at a checkpoint.

``finished_hub()`` makes the course's finished Flask hub (starter/flask, every stage
written) with a fresh, empty database, and yields an httpx client that talks to it inside
this program, the way the contract's tests do: no server and no port::

    with finished_hub() as hub:
        show(hub.get("/api/v1/health"))

``starter_at(K)`` writes the starter as it looks once stage K is done (what
``grader checkpoint flask-hub K`` writes; 0 is the starter as you get it) into a temporary
folder and yields that folder. ``checkpoint_hub(K)`` makes a hub from it.
``grader_check(folder, ...)`` runs ``grader check`` there and returns what it prints.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import checking
import httpx
from checking import RANDOM_ID, grader_check, show, stage_table  # noqa: F401 (for the examples)

REPO = Path(__file__).resolve().parents[3]
STARTER = REPO / "starter" / "flask"
ADMIN_TOKEN = "lesson-admin-token"
"""The admin token of the hubs made here."""
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
"""The header that proves a request comes from the admin."""


def import_hub(folder: Path) -> Any:
    """Import the package ``hub`` of a starter folder (forgetting any other one)."""
    for name in [name for name in sys.modules if name == "hub" or name.startswith("hub.")]:
        del sys.modules[name]
    sys.path.insert(0, str(folder))
    try:
        import hub
    finally:
        sys.path.remove(str(folder))
    return hub


@contextlib.contextmanager
def client_of(folder: Path) -> Iterator[httpx.Client]:
    """Make the hub of a starter folder, with a fresh database; yield a client for it."""
    hub = import_hub(folder)
    with tempfile.TemporaryDirectory() as data:
        app = hub.create_app(
            {"DATABASE_URL": f"sqlite:///{data}/hub.sqlite3", "HUB_ADMIN_TOKEN": ADMIN_TOKEN}
        )
        transport = httpx.WSGITransport(app=app)
        with httpx.Client(transport=transport, base_url="http://hub") as client:
            yield client
        with app.app_context():
            hub.db.db.engine.dispose()


@contextlib.contextmanager
def finished_hub() -> Iterator[httpx.Client]:
    """A fresh finished hub; yield an httpx client that talks to it in-process."""
    with client_of(STARTER) as client:
        yield client


def starter_at(stage: int) -> contextlib.AbstractContextManager[Path]:
    """Write the starter solved through ``stage`` into a temporary folder; yield the folder."""
    return checking.starter_at("flask-hub", stage)


@contextlib.contextmanager
def checkpoint_hub(stage: int) -> Iterator[httpx.Client]:
    """The hub of the starter solved through ``stage``; yield a client for it."""
    with starter_at(stage) as folder, client_of(folder) as client:
        yield client


