"""The Flask hub's dashboard (``/dashboard/``, lesson 9), in Flask's test client and in a
real browser.

The first tests use Flask's test client: a browser that has not logged in is sent to the
log-in form; a form without its CSRF token is refused with 400 (and the JSON API, which
authenticates with headers, needs none); Jinja escapes what devices are called.

The browser test serves the real Flask hub (``flask --app wsgi run`` on a free port, a fresh
SQLite file) and feeds it from a simulated Uno running ``hub_node`` on the virtual clock: a
small gateway loop in this test reads the board's JSON lines over ``sim://`` and posts them
as readings, and relays the hub's pending commands to the board as text lines (``HEATER
ON``), acknowledging each with the board's answer. Debian's chromium, under Playwright,
logs in with the admin token, sees the latest values appear, presses "Heater on", and the
test checks that the board's heater relay switched on and that the page shows the command
``done``. Screenshots go to ``build/screenshots/dashboard/`` (git-ignored).
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from browsertesting import SCREENSHOTS, chromium_page, needs_chromium
from gatewaytesting import drive_the_dashboard
from hubtesting import REPO

import simulators  # noqa: F401  (pyserial opens sim:// URLs once it is imported)

STARTER = REPO / "starter" / "flask"
SHOTS = SCREENSHOTS / "dashboard"
TOKEN = "dashboard-test-admin-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


# --- the test client ---------------------------------------------------------------------


def is_hub_module(name: str) -> bool:
    """Whether a module belongs to a package named hub (both starters have one)."""
    return name == "hub" or name.startswith("hub.")


@contextlib.contextmanager
def imported_hub(starter: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """A Flask starter's package `hub`, imported fresh and forgotten after (Django's is also
    hub)."""
    saved = {name: module for name, module in sys.modules.items() if is_hub_module(name)}
    for name in saved:
        del sys.modules[name]
    with monkeypatch.context() as patch:
        patch.syspath_prepend(str(starter))
        import hub

        assert Path(hub.__file__).resolve().parent == starter / "hub", "another hub was imported"
        try:
            yield hub
        finally:
            for name in [name for name in sys.modules if is_hub_module(name)]:
                del sys.modules[name]
            sys.modules.update(saved)


@pytest.fixture
def hub_package(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The Flask hub's package of the course (every stage solved)."""
    with imported_hub(STARTER, monkeypatch) as hub:
        yield hub


@pytest.fixture
def client(hub_package: ModuleType, tmp_path: Path) -> Any:
    """A test client of the Flask hub, with a fresh SQLite database."""
    app = hub_package.create_app({"TESTING": True, "HUB_ADMIN_TOKEN": TOKEN,
                                  "DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}"})
    return app.test_client()


def csrf_token(client: Any, path: str = "/dashboard/login") -> str:
    """The CSRF token of the form on a dashboard page (the session cookie goes with it)."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    match = CSRF_FIELD.search(page.text)
    assert match, f"no csrf_token field in {path}"
    return match.group(1)


def log_in(client: Any) -> None:
    """Log the test client in, as the form does."""
    data = {"token": TOKEN, "csrf_token": csrf_token(client)}
    answer = client.post("/dashboard/login", data=data)
    assert answer.status_code == 302 and answer.headers["Location"] == "/dashboard/", answer.text


def register(client: Any, device_id: str, name: str) -> str:
    """Register a device through the API; return its key."""
    answer = client.post("/api/v1/devices", headers=ADMIN,
                         json={"id": device_id, "name": name, "kind": "arduino-uno"})
    assert answer.status_code == 201, answer.text
    return answer.get_json()["api_key"]


@pytest.mark.parametrize("path", ["/dashboard/", "/dashboard/devices/kitchen"])
def test_a_browser_that_has_not_logged_in_is_sent_to_the_login_form(client, path) -> None:
    answer = client.get(path)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/dashboard/login"


def test_a_wrong_admin_token_does_not_log_in(client) -> None:
    answer = client.post("/dashboard/login",
                         data={"token": "not-the-token", "csrf_token": csrf_token(client)})
    assert answer.status_code == 401
    assert "That is not the admin token." in answer.text
    assert client.get("/dashboard/").status_code == 302


def test_a_form_without_its_csrf_token_is_refused_with_400(client) -> None:
    answer = client.post("/dashboard/login", data={"token": TOKEN})
    assert answer.status_code == 400
    assert answer.content_type.startswith("text/html")
    assert "The CSRF token is missing." in answer.text
    assert client.get("/dashboard/").status_code == 302, "no token, no log-in"

    register(client, "kitchen", "Kitchen")
    log_in(client)
    for data in ({"command": "heater on"}, {"command": "heater on", "csrf_token": "forged"}):
        answer = client.post("/dashboard/devices/kitchen/commands", data=data)
        assert answer.status_code == 400, answer.text
    assert "No commands yet." in client.get("/dashboard/devices/kitchen").text, (
        "a refused form queued nothing")
    assert client.post("/dashboard/logout").status_code == 400, "logging out is a form too"


def test_the_json_api_needs_no_csrf_token(client) -> None:
    """The API authenticates with headers (a browser never adds them by itself): exempt."""
    log_in(client)  # even with a dashboard session cookie in the jar
    key = {"X-API-Key": register(client, "kitchen", "Kitchen")}
    reading = client.post("/api/v1/devices/kitchen/readings", headers=key,
                          json={"sensor": "temperature", "value": 21.5})
    assert reading.status_code == 201, reading.text
    command = client.post("/api/v1/devices/kitchen/commands", headers=ADMIN,
                          json={"name": "led", "value": "on"})
    assert command.status_code == 201, command.text
    assert client.delete("/api/v1/devices/kitchen", headers=ADMIN).status_code == 204


def test_a_button_queues_its_command_and_shows_the_page_again(client) -> None:
    key = {"X-API-Key": register(client, "kitchen", "Kitchen")}
    log_in(client)
    token = csrf_token(client, "/dashboard/devices/kitchen")
    answer = client.post("/dashboard/devices/kitchen/commands",
                         data={"command": "lamp on", "csrf_token": token})
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/dashboard/devices/kitchen"
    page = client.get("/dashboard/devices/kitchen").text
    assert "Queued command 1: lamp on." in page
    pending = client.get("/api/v1/devices/kitchen/commands", headers=key).get_json()
    assert [(c["name"], c["value"], c["status"]) for c in pending["commands"]] == [
        ("lamp", "on", "pending")]
    answer = client.post("/dashboard/devices/kitchen/commands",
                         data={"command": "self-destruct now", "csrf_token": token})
    assert answer.status_code == 400, "only the dashboard's own buttons are queued"
    assert client.get("/dashboard/devices/nobody").status_code == 404


def test_what_devices_send_is_escaped(client) -> None:
    attack = '<script>alert("hacked")</script>'
    key = {"X-API-Key": register(client, "kitchen", attack)}
    client.post("/api/v1/devices/kitchen/readings", headers=key,
                json={"sensor": "temperature", "value": 21.5, "unit": "<b>C</b>"})
    log_in(client)
    for path in ("/dashboard/", "/dashboard/devices/kitchen"):
        page = client.get(path).text
        assert "<script>alert" not in page and "<b>C</b>" not in page, path
        assert "&lt;script&gt;alert(&#34;hacked&#34;)&lt;/script&gt;" in page, path


def test_the_chart_draws_one_point_per_reading(client) -> None:
    key = {"X-API-Key": register(client, "kitchen", "Kitchen")}
    readings = [{"sensor": "temperature", "value": value, "unit": "C",
                 "recorded_at": f"2026-01-05T10:0{minute}:00+00:00"}
                for minute, value in enumerate([20.0, 21.0, 22.0])]
    answer = client.post("/api/v1/devices/kitchen/readings", headers=key,
                         json={"readings": readings})
    assert answer.status_code == 201, answer.text
    log_in(client)
    page = client.get("/dashboard/devices/kitchen?sensor=temperature").text
    points = re.search(r'<polyline[^>]*points="([^"]*)"', page)
    assert points, "the device page draws an SVG polyline"
    assert points.group(1).split() == ["10.0,190.0", "300.0,100.0", "590.0,10.0"]
    empty = client.get("/dashboard/devices/kitchen?sensor=humidity").text
    assert "No humidity readings yet." in empty and "<polyline" not in empty


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture
def page(tmp_path: Path) -> Iterator:
    """A Chromium page (Debian's chromium, a fresh profile)."""
    with chromium_page(tmp_path, SHOTS) as running:
        yield running


@pytest.mark.slow
@needs_chromium
def test_the_dashboard_shows_live_values_and_a_button_reaches_the_board(
    serve_hub, page
) -> None:
    url = serve_hub([sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", "{port}",
                     "--no-reload"], cwd=STARTER, env={"HUB_ADMIN_TOKEN": TOKEN})
    drive_the_dashboard(page, url, TOKEN)


def test_before_stage_3_the_dashboard_says_what_to_write(tmp_path, monkeypatch) -> None:
    """The dashboard is given code, but its latest values come from the API's stage 3
    view: on a starter solved through stage 2, the pages work and say what to write."""
    from grader.course import load_course
    from grader.release import checkpoint

    starter = tmp_path / "checkpoint-2"
    checkpoint(load_course(REPO).get("flask-hub"), 2, out=starter)
    with imported_hub(starter.resolve(), monkeypatch) as hub:
        app = hub.create_app({"TESTING": True, "HUB_ADMIN_TOKEN": TOKEN,
                              "DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}"})
        client = app.test_client()
        key = register(client, "kitchen", "Kitchen")
        answer = client.post("/api/v1/devices/kitchen/readings", json={
            "sensor": "temperature", "value": 21.5, "seq": 1},
            headers={"X-API-Key": key})
        assert answer.status_code == 201, answer.text
        log_in(client)
        for path in ("/dashboard/", "/dashboard/devices/kitchen"):
            page = client.get(path)
            assert page.status_code == 200, page.text
            assert "Write stage 3 of the hub (reading back)" in page.text
