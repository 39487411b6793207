"""A property-based run of openapi.yaml with schemathesis against each hub, in-process (WSGI).

schemathesis generates requests for every operation of the contract, valid and invalid ones,
and fails on any 5xx, any undocumented status code, any wrong content type and any body that
breaks the schema. Both hubs are a package named ``hub``, so each backend runs in its own pytest
process: the outer test below starts ``pytest tests/test_schemathesis.py`` with
``HUB_SCHEMATHESIS_BACKEND`` set, and only then does this module define the schemathesis test.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hubtesting import REPO, run_pytest

BACKENDS = ["flask", "django"]
BACKEND_ENV = "HUB_SCHEMATHESIS_BACKEND"
CONTRACT = REPO / "starter" / "contract"
TOKEN = "schemathesis-admin-token"
MAX_EXAMPLES = (
    20  # per operation and test; with a fixed seed (derandomize) the run is the same each time
)


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(backend):
    module = Path(__file__).relative_to(REPO)
    targets = [f"{module}::test_api", f"{module}::test_api_on_a_known_device"]
    result = run_pytest([*targets, "-q"], env={BACKEND_ENV: backend})
    output = f"{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, f"schemathesis found problems in the {backend} hub:\n{output}"
    assert " passed" in result.stdout and " failed" not in result.stdout, output


if os.environ.get(BACKEND_ENV):  # only in the child process started above
    import httpx
    import schemathesis
    from hypothesis import HealthCheck, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    if str(CONTRACT) not in sys.path:
        sys.path.insert(0, str(CONTRACT))
    import hubcontract

    CHECKS = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]

    @pytest.fixture(scope="session")
    def hub_under_test(tmp_path_factory):
        """The hub named by HUB_SCHEMATHESIS_BACKEND, in-process, with a fresh database."""
        backend = os.environ[BACKEND_ENV]
        with hubcontract.wsgi_app(backend, tmp_path_factory.mktemp("hub"), TOKEN) as app:
            yield app

    @pytest.fixture(scope="session")
    def known(hub_under_test):
        """A real device (with its key) and a pending command, for cases aimed at them."""
        transport = httpx.WSGITransport(app=hub_under_test)
        with httpx.Client(transport=transport, base_url=hubcontract.WSGI_BASE_URL) as client:
            admin = {"Authorization": f"Bearer {TOKEN}"}
            device = hubcontract.create_device(client, admin, device_id="schemathesis-device")
            command = client.post(
                f"{device.url}/commands", json={"name": "led", "value": "on"}, headers=admin
            )
            return {"device": device, "command_id": command.json()["id"]}

    # Only the document is read here; the app is built by the hub_under_test fixture.
    # (schemathesis.pytest.from_fixture would be the lazy way, but it breaks on pytest 9.)
    schema = schemathesis.openapi.from_path(CONTRACT / "openapi.yaml")

    def aim_at_known_device(case, known) -> None:
        """Point the case at the real device (and command), so it gets past the 404s."""
        if "device_id" in (case.path_parameters or {}) and case.method != "DELETE":
            case.path_parameters["device_id"] = known["device"].id
        if "command_id" in (case.path_parameters or {}):
            case.path_parameters["command_id"] = known["command_id"]

    def call_and_validate(case, known, app) -> None:
        """Send the case with the admin token and the known device's key; run the checks."""
        headers = {"Authorization": f"Bearer {TOKEN}", "X-API-Key": known["device"].api_key}
        case.call_and_validate(headers=headers, checks=CHECKS, app=app)

    FUZZ = settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )

    @schema.parametrize()
    @FUZZ
    def test_api(case, known, hub_under_test):
        call_and_validate(case, known, hub_under_test)

    @schema.parametrize()
    @FUZZ
    def test_api_on_a_known_device(case, known, hub_under_test):
        aim_at_known_device(case, known)
        call_and_validate(case, known, hub_under_test)
