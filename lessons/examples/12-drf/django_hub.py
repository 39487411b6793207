"""The course's finished Django hub (starter/django), set up inside this program.

Importing this module puts starter/django on the path, selects the hub's test settings
(config.settings.test), gives the hub a fresh SQLite database in a temporary folder and
migrates it, as the contract's tests do. Then the examples can import the hub's code
(`from hub.serializers import ...`) and talk to it with DRF's test client, `APIClient`:

    client = APIClient()
    show(client.get("/api/v1/health"))
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
STARTER = REPO / "starter" / "django"
ADMIN_TOKEN = "lesson-admin-token"
"""The admin token of the hub made here."""
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
"""The header that proves a request comes from the admin."""

_data = tempfile.mkdtemp(prefix="lesson-12-")
atexit.register(shutil.rmtree, _data, ignore_errors=True)
sys.path.insert(0, str(STARTER))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = f"sqlite:///{_data}/hub.sqlite3"
os.environ["HUB_ADMIN_TOKEN"] = ADMIN_TOKEN

import django  # noqa: E402
from django.core.management import call_command  # noqa: E402

django.setup()
call_command("migrate", verbosity=0, interactive=False)


def show(response: Any) -> None:
    """Print a response of the test client: method, path, status, then the body's gist."""
    request = response.request
    print(f"{request['REQUEST_METHOD']} {request['PATH_INFO']} -> {response.status_code}")
    if not response.content:
        return
    body = response.json()
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        print(f"    {body['error']['code']}: {body['error']['message']}")
    else:
        print(f"    {body}")


def register(client: Any, device_id: str) -> dict[str, str]:
    """Register a device as the admin; return the X-API-Key header with its key."""
    body = {"id": device_id, "name": device_id.title(), "kind": "arduino-uno"}
    created = client.post("/api/v1/devices", body, format="json", headers=ADMIN)
    return {"X-API-Key": created.json()["api_key"]}
