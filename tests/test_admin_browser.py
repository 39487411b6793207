"""The Django hub's admin site (lesson 11), in a real browser: the exercise of the lesson.

The test serves the real Django hub (``python manage.py serve`` on a free port, a fresh
SQLite file), makes a superuser the way a script does (``createsuperuser --noinput`` with
the ``DJANGO_SUPERUSER_*`` environment variables), registers two devices and posts readings
through the API. Then Debian's chromium, under Playwright, logs in to ``/admin/``, finds a
device with the search box, opens it, sees its latest readings on its page, follows the
link to all of them and narrows them with a filter. On every page it visits, neither the
device's key nor its hash is shown, and no form has a field for them. Screenshots go to
``build/screenshots/admin/`` (git-ignored).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from browsertesting import SCREENSHOTS, chromium_page, needs_chromium
from hubtesting import REPO

STARTER = REPO / "starter" / "django"
SHOTS = SCREENSHOTS / "admin"
TOKEN = "admin-browser-test-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
USERNAME, PASSWORD = "teacher", "a-long-password-for-the-test"
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
SAMPLES = 15  # one temperature and one humidity reading each: 30 readings, more than 20


@pytest.fixture
def page(tmp_path: Path) -> Iterator:
    """A Chromium page (Debian's chromium, a fresh profile)."""
    with chromium_page(tmp_path, SHOTS) as running:
        yield running


def create_superuser(database_url: str) -> None:
    """``manage.py createsuperuser --noinput``, as a script or a deployment makes one."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SUPERUSER_USERNAME": USERNAME,
           "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
           "DJANGO_SUPERUSER_EMAIL": "teacher@example.org"}
    done = subprocess.run([sys.executable, "manage.py", "createsuperuser", "--noinput"],
                          cwd=STARTER, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Superuser created successfully." in done.stdout


def register(url: str, device_id: str, name: str) -> str:
    """Register a device through the API; return its key."""
    answer = httpx.post(f"{url}/api/v1/devices", headers=ADMIN, timeout=10,
                        json={"id": device_id, "name": name, "kind": "arduino-uno"})
    assert answer.status_code == 201, answer.text
    return answer.json()["api_key"]


def post_samples(url: str, device_id: str, key: str) -> None:
    """Post SAMPLES samples (temperature and humidity), one every 10 minutes from START."""
    readings = []
    for i in range(SAMPLES):
        at = (START + timedelta(minutes=10 * i)).isoformat()
        readings += [
            {"sensor": "temperature", "value": 20 + i / 10, "unit": "C", "recorded_at": at,
             "seq": 2 * i + 1},
            {"sensor": "humidity", "value": 50 - i / 10, "unit": "%", "recorded_at": at,
             "seq": 2 * i + 2},
        ]
    answer = httpx.post(f"{url}/api/v1/devices/{device_id}/readings", timeout=10,
                        headers={"X-API-Key": key}, json={"readings": readings})
    assert answer.status_code == 201, answer.text


def assert_no_key(page, key: str) -> None:
    """Neither the key, nor its hash, nor a field for the hash is on the page."""
    html = page.content()
    key_hash = hashlib.sha256(key.encode()).hexdigest()
    assert key not in html, f"{page.url} shows the device's key"
    assert key_hash not in html, f"{page.url} shows the device's key hash"
    assert "api_key_hash" not in html, f"{page.url} has a field for the key hash"
    assert page.locator("[name*=api_key], [name*=key_hash]").count() == 0


@pytest.mark.slow
@needs_chromium
def test_log_in_find_a_device_and_see_its_readings(serve_hub, page, tmp_path) -> None:
    database_url = f"sqlite:///{tmp_path / 'hub.sqlite3'}"
    url = serve_hub([sys.executable, "manage.py", "serve", "127.0.0.1:{port}", "--noreload"],
                    cwd=STARTER, env={"HUB_ADMIN_TOKEN": TOKEN, "DATABASE_URL": database_url})
    create_superuser(database_url)  # `serve` has migrated the database: the tables exist
    key = register(url, "living-room", "Living room")
    post_samples(url, "living-room", key)
    other_key = register(url, "kitchen", "Kitchen")
    page.set_default_timeout(20_000)

    with page.steps("login"):
        page.goto(f"{url}/admin/")
        assert page.url == f"{url}/admin/login/?next=/admin/", "a visitor goes to the log-in"
        page.fill("#id_username", USERNAME)
        page.fill("#id_password", "not-the-password")
        page.click("input[type=submit]")
        page.wait_for_selector("text=Please enter the correct username and password")
        page.steps.shot("login-refused")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{url}/admin/")
        page.wait_for_selector("text=Site administration")
        page.steps.shot("index")

    with page.steps("search"):
        page.click("#content-main a:text-is('Devices')")
        page.wait_for_url(f"{url}/admin/hub/device/")
        assert page.locator("#result_list tbody tr").count() == 2
        page.fill("#searchbar", "living")
        page.press("#searchbar", "Enter")
        page.wait_for_url(f"{url}/admin/hub/device/?q=living")
        rows = page.locator("#result_list tbody tr")
        assert rows.count() == 1, f"the search finds one device, not {rows.count()}"
        assert "Living room" in rows.first.inner_text()
        assert_no_key(page, key)
        page.steps.shot("search")

    with page.steps("device"):
        page.click("#result_list a:text-is('living-room')")
        page.wait_for_selector("h2:has-text('Latest readings (up to 20)')")
        inline = page.locator("#readings-group tbody tr.has_original")
        assert inline.count() == 20, f"the page shows the 20 latest readings, not {inline.count()}"
        newest = inline.first.inner_text()
        assert "humidity" in newest and "48.6" in newest, f"newest first: {newest!r}"
        assert page.locator("#readings-group input:not([type=hidden])").count() == 0, (
            "the readings are read-only")
        assert page.locator("input[name=id]").count() == 0, "the id is read-only"
        assert_no_key(page, key)
        assert_no_key(page, other_key)
        page.steps.shot("device")

    with page.steps("all-readings"):
        page.click("a:text-is('All 30 readings')")
        page.wait_for_selector("p.paginator:has-text('30 readings')")
        page.click("#changelist-filter a:text-is('humidity')")
        page.wait_for_selector("p.paginator:has-text('15 readings')")
        assert "device__id__exact=living-room" in page.url and "sensor=humidity" in page.url
        values = page.locator("#result_list td.field-value").all_inner_texts()
        assert values[0] == "48.6" and values[-1] == "50.0", f"newest first: {values}"
        assert_no_key(page, key)
        page.steps.shot("readings")

    with page.steps("logout"):
        page.click("#logout-form button")
        page.wait_for_selector("text=Logged out")
        page.goto(f"{url}/admin/hub/device/")
        assert page.url.startswith(f"{url}/admin/login/"), "logged out: back to the log-in"
    print("\n" + "\n".join(page.steps.times))
