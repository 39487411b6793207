"""GET /api/v1/health: is the hub up, and which framework serves it."""

from __future__ import annotations

import pytest
from hubcontract import API, IN_PROCESS_BACKENDS, expect


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    'Add GET /api/v1/health answering 200 with {"status": "ok", "framework": "flask"} '
    '(or "django"), and nothing else in the object.'
)
def test_health_says_ok_and_names_the_framework(client, hub_backend):
    body = expect(client.get(f"{API}/health"), 200)
    assert body["status"] == "ok"
    if hub_backend in IN_PROCESS_BACKENDS:
        assert body["framework"] == hub_backend, "framework must name the framework serving the hub"


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "Health is public: do not ask for a token on GET /api/v1/health, and ignore a wrong one."
)
def test_health_needs_no_credentials(client):
    response = client.get(
        f"{API}/health", headers={"Authorization": "Bearer wrong", "X-API-Key": "x"}
    )
    assert expect(response, 200)["status"] == "ok"
