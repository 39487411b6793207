"""The Django hub's dashboard (``/dashboard/``, lesson 13), in Django's test client and in a
real browser: the twin of tests/test_dashboard_browser.py, which checks the Flask one.

The test-client tests run in a child pytest (Django is configured once per process, and
both starters have a package named ``hub``): a browser that has not logged in is sent to
the log-in form; a form without its CSRF token is refused with 403, as an HTML page (and the
JSON API, which authenticates with headers, needs none); Django's templates escape what
devices are called. Django's test client skips CSRF checks unless it is made with
``Client(enforce_csrf_checks=True)``, as these tests do: then it behaves like a browser.

Before stage 3, the dashboard says what to write (a checkpoint of the starter, in a child
process).

The browser test serves the real Django hub (``manage.py serve`` on a free port, a fresh
SQLite file) and feeds it from a simulated Uno running ``hub_node`` on the virtual clock,
through the gateway loop of the Flask test. Debian's chromium, under Playwright, logs in
with the admin token, sees the latest values appear, presses "Heater on", and the test
checks that the board's heater relay switched on and that the page shows the command
``done``. Screenshots go to ``build/screenshots/django-dashboard/`` (git-ignored).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsertesting import SCREENSHOTS, chromium_page, needs_chromium
from gatewaytesting import drive_the_dashboard
from hubtesting import REPO, run_pytest

STARTER = REPO / "starter" / "django"
SHOTS = SCREENSHOTS / "django-dashboard"
TOKEN = "dashboard-test-admin-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REASON = re.compile(r'id="reason">(.*?)</p>', re.S)
CHILD = "DJANGO_DASHBOARD_CHILD"


def django_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a Django child: test settings, the admin token, a fresh database."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUB_"))}
    return {**clean, "DJANGO_SETTINGS_MODULE": "config.settings.test", "HUB_ADMIN_TOKEN": TOKEN,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}"}


# --- the test client (in a child pytest) ---------------------------------------------------


def test_the_dashboard_in_djangos_test_client(tmp_path: Path) -> None:
    """Run TestWithDjangosTestClient (below) in a child pytest, where Django is set up."""
    module = Path(__file__).relative_to(REPO)
    result = run_pytest([f"{module}::TestWithDjangosTestClient", "-q"],
                        env={**django_env(tmp_path), CHILD: "1"})
    output = f"{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, output
    assert " passed" in result.stdout and " failed" not in result.stdout, output


if os.environ.get(CHILD):  # only in the child process started above
    if str(STARTER) not in sys.path:
        sys.path.insert(0, str(STARTER))

    import django

    django.setup()

    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)

    @pytest.fixture
    def client() -> Client:
        """A test client that checks CSRF tokens as a browser's requests are checked, on an
        empty database (ids start at 1 again)."""
        call_command("flush", interactive=False, verbosity=0)
        return Client(enforce_csrf_checks=True)

    def csrf_token(client: Client, path: str = "/dashboard/login") -> str:
        """The CSRF token of the form on a dashboard page (the CSRF cookie goes with it)."""
        page = client.get(path)
        assert page.status_code == 200, page.content
        match = CSRF_FIELD.search(page.text)
        assert match, f"no csrfmiddlewaretoken field in {path}"
        return match.group(1)

    def log_in(client: Client) -> None:
        """Log the test client in, as the form does."""
        data = {"token": TOKEN, "csrfmiddlewaretoken": csrf_token(client)}
        answer = client.post("/dashboard/login", data)
        assert answer.status_code == 302 and answer["Location"] == "/dashboard/", answer.text

    def register(client: Client, device_id: str, name: str) -> str:
        """Register a device through the API; return its key."""
        answer = client.post("/api/v1/devices", {"id": device_id, "name": name,
                                                 "kind": "arduino-uno"},
                             content_type="application/json", headers=ADMIN)
        assert answer.status_code == 201, answer.text
        return answer.json()["api_key"]

    def reason(answer: Any) -> str:
        """The reason an error page gives."""
        match = REASON.search(answer.text)
        assert match, f"not an error page of the dashboard: {answer.text[:500]}"
        return match.group(1).strip()

    class TestWithDjangosTestClient:
        """The dashboard's pages, forms and errors, through Django's test client."""

        @pytest.mark.parametrize("path", ["/dashboard/", "/dashboard/devices/kitchen"])
        def test_a_browser_that_has_not_logged_in_is_sent_to_the_login_form(
            self, client, path
        ) -> None:
            answer = client.get(path)
            assert answer.status_code == 302
            assert answer["Location"] == "/dashboard/login"

        def test_dashboard_without_a_slash_redirects(self, client) -> None:
            answer = client.get("/dashboard")
            assert answer.status_code == 302 and answer["Location"] == "/dashboard/"

        def test_a_wrong_admin_token_does_not_log_in(self, client) -> None:
            answer = client.post("/dashboard/login", {"token": "not-the-token",
                                                      "csrfmiddlewaretoken": csrf_token(client)})
            assert answer.status_code == 401
            assert "That is not the admin token." in answer.text
            assert "not-the-token" not in answer.text, "the password field is not filled again"
            assert client.get("/dashboard/").status_code == 302

        def test_a_form_without_its_csrf_token_is_refused_with_403(self, client) -> None:
            answer = client.post("/dashboard/login", {"token": TOKEN})  # no page seen yet
            assert answer.status_code == 403
            assert answer["Content-Type"].startswith("text/html")
            assert reason(answer) == "CSRF check failed: CSRF cookie not set."
            csrf_token(client)  # the form's page sets the CSRF cookie
            answer = client.post("/dashboard/login", {"token": TOKEN})
            assert answer.status_code == 403
            assert reason(answer) == "CSRF check failed: CSRF token missing."
            assert client.get("/dashboard/").status_code == 302, "no token, no log-in"

            register(client, "kitchen", "Kitchen")
            log_in(client)
            token = csrf_token(client, "/dashboard/devices/kitchen")
            url = "/dashboard/devices/kitchen/commands"
            refused = {
                "no token": ({"command": "heater on"}, {}),
                "a forged token": ({"command": "heater on", "csrfmiddlewaretoken": "f" * 64}, {}),
                "another site's page": ({"command": "heater on", "csrfmiddlewaretoken": token},
                                        {"HTTP_ORIGIN": "http://evil.example"}),
            }
            for case, (data, headers) in refused.items():
                answer = client.post(url, data, **headers)
                assert answer.status_code == 403, f"{case}: {answer.status_code}"
                assert reason(answer).startswith("CSRF check failed: "), case
            assert "No commands yet." in client.get("/dashboard/devices/kitchen").text, (
                "a refused form queued nothing")
            assert client.post("/dashboard/logout").status_code == 403, "logging out is a form"

        def test_logging_in_starts_a_fresh_session_and_csrf_token(self, client) -> None:
            old_token = csrf_token(client)
            client.post("/dashboard/login", {"token": TOKEN, "csrfmiddlewaretoken": old_token})
            register(client, "kitchen", "Kitchen")
            answer = client.post("/dashboard/devices/kitchen/commands",
                                 {"command": "lamp on", "csrfmiddlewaretoken": old_token})
            assert answer.status_code == 403
            assert reason(answer) == "CSRF check failed: CSRF token from POST incorrect."

        def test_the_json_api_needs_no_csrf_token(self, client) -> None:
            """The API authenticates with headers (a browser never adds them by itself)."""
            log_in(client)  # even with a dashboard session cookie in the jar
            key = {"X-API-Key": register(client, "kitchen", "Kitchen")}
            reading = client.post("/api/v1/devices/kitchen/readings",
                                  {"sensor": "temperature", "value": 21.5},
                                  content_type="application/json", headers=key)
            assert reading.status_code == 201, reading.text
            command = client.post("/api/v1/devices/kitchen/commands",
                                  {"name": "led", "value": "on"},
                                  content_type="application/json", headers=ADMIN)
            assert command.status_code == 201, command.text
            assert client.delete("/api/v1/devices/kitchen", headers=ADMIN).status_code == 204
            assert "sessionid" not in client.get("/api/v1/devices").cookies, "no session"

        def test_a_button_queues_its_command_and_shows_the_page_again(self, client) -> None:
            key = {"X-API-Key": register(client, "kitchen", "Kitchen")}
            log_in(client)
            token = csrf_token(client, "/dashboard/devices/kitchen")
            answer = client.post("/dashboard/devices/kitchen/commands",
                                 {"command": "lamp on", "csrfmiddlewaretoken": token})
            assert answer.status_code == 302
            assert answer["Location"] == "/dashboard/devices/kitchen"
            page = client.get("/dashboard/devices/kitchen").text
            assert "Queued command 1: lamp on." in page
            pending = client.get("/api/v1/devices/kitchen/commands", headers=key).json()
            assert [(c["name"], c["value"], c["status"]) for c in pending["commands"]] == [
                ("lamp", "on", "pending")]
            answer = client.post("/dashboard/devices/kitchen/commands",
                                 {"command": "self-destruct now", "csrfmiddlewaretoken": token})
            assert answer.status_code == 400, "only the dashboard's own buttons are queued"
            assert "self-destruct now is not one of the available choices" in reason(answer)
            missing = client.get("/dashboard/devices/nobody")
            assert missing.status_code == 404
            assert reason(missing) == "There is no device &#x27;nobody&#x27;."

        def test_what_devices_send_is_escaped(self, client) -> None:
            attack = '<script>alert("hacked")</script>'
            key = {"X-API-Key": register(client, "kitchen", attack)}
            client.post("/api/v1/devices/kitchen/readings",
                        {"sensor": "temperature", "value": 21.5, "unit": "<b>C</b>"},
                        content_type="application/json", headers=key)
            log_in(client)
            for path in ("/dashboard/", "/dashboard/devices/kitchen"):
                page = client.get(path).text
                assert "<script>alert" not in page and "<b>C</b>" not in page, path
                assert "&lt;script&gt;alert(&quot;hacked&quot;)&lt;/script&gt;" in page, path

        def test_the_chart_draws_one_point_per_reading(self, client) -> None:
            key = {"X-API-Key": register(client, "kitchen", "Kitchen")}
            readings = [{"sensor": "temperature", "value": value, "unit": "C",
                         "recorded_at": f"2026-01-05T10:0{minute}:00+00:00"}
                        for minute, value in enumerate([20.0, 21.0, 22.0])]
            answer = client.post("/api/v1/devices/kitchen/readings", {"readings": readings},
                                 content_type="application/json", headers=key)
            assert answer.status_code == 201, answer.text
            log_in(client)
            page = client.get("/dashboard/devices/kitchen?sensor=temperature").text
            points = re.search(r'<polyline[^>]*points="([^"]*)"', page)
            assert points, "the device page draws an SVG polyline"
            assert points.group(1).split() == ["10.0,190.0", "300.0,100.0", "590.0,10.0"]
            empty = client.get("/dashboard/devices/kitchen?sensor=humidity").text
            assert "No humidity readings yet." in empty and "<polyline" not in empty


# --- before stage 3 ------------------------------------------------------------------------

# Run inside a checkpoint of the starter: register a device, post a reading, log in, read.
STAGE_2_PROBE = """
import json, re
import django
from django.core.management import call_command
from django.test import Client

django.setup()
call_command("migrate", verbosity=0)
client = Client(enforce_csrf_checks=True)
admin = {"Authorization": "Bearer %(token)s"}
device = client.post("/api/v1/devices", {"id": "kitchen", "name": "Kitchen", "kind": "uno"},
                     content_type="application/json", headers=admin)
reading = client.post("/api/v1/devices/kitchen/readings",
                      {"sensor": "temperature", "value": 21.5, "seq": 1},
                      content_type="application/json",
                      headers={"X-API-Key": device.json()["api_key"]})
form = client.get("/dashboard/login").text
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
login = client.post("/dashboard/login", {"token": "%(token)s", "csrfmiddlewaretoken": token})
pages = {path: client.get(path) for path in ("/dashboard/", "/dashboard/devices/kitchen")}
print(json.dumps({"reading": reading.status_code, "login": login.status_code,
                  "pages": {p: [r.status_code, r.text] for p, r in pages.items()}}))
"""


def test_before_stage_3_the_dashboard_says_what_to_write(tmp_path: Path) -> None:
    """The dashboard is given code, but its latest values come from the API's stage 3
    view: on a starter solved through stage 2, the pages work and say what to write."""
    from grader.course import load_course
    from grader.release import checkpoint

    starter = tmp_path / "checkpoint-2"
    checkpoint(load_course(REPO).get("django-hub"), 2, out=starter)
    result = subprocess.run([sys.executable, "-c", STAGE_2_PROBE % {"token": TOKEN}],
                            cwd=starter, env=django_env(tmp_path), text=True,
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.splitlines()[-1])
    assert answers["reading"] == 201 and answers["login"] == 302, answers
    for path, (status, text) in answers["pages"].items():
        assert status == 200, f"{path}: {status}\n{text}"
        assert "Write stage 3 of the hub (reading back)" in text, path


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
    url = serve_hub([sys.executable, "manage.py", "serve", "127.0.0.1:{port}", "--noreload"],
                    cwd=STARTER, env={"HUB_ADMIN_TOKEN": TOKEN,
                                      "DJANGO_SETTINGS_MODULE": "config.settings.dev"})
    drive_the_dashboard(page, url, TOKEN)
