"""The checks that stage 1 of the hub makes, in miniature, run on the mini hub."""

import pytest
from mini_hub import create_app

URL = "/api/v1/devices/kitchen/readings"


# --8<-- [start:fixture]
@pytest.fixture
def client():
    """A test client of a new app: every test starts with no readings at all."""
    app = create_app()
    app.testing = True  # a crash in a view fails the test with its traceback
    return app.test_client()


def assert_error(response, status, code):
    """Check an error answer: its status, and the envelope with its code."""
    assert response.status_code == status, f"expected {status}, got {response.status}"
    error = response.get_json()["error"]
    assert error["code"] == code, f"expected error code {code!r}, got {error['code']!r}"
    assert error["message"], "the envelope's message must say what went wrong"
# --8<-- [end:fixture]


# --8<-- [start:tests]
def test_health_says_ok_and_names_the_framework(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "framework": "flask"}


def test_post_reading_answers_201_with_the_reading(client):
    response = client.post(URL, json={"sensor": "temperature", "value": 21.5})
    assert response.status_code == 201
    assert response.get_json() == {"device_id": "kitchen", "sensor": "temperature", "value": 21.5}


def test_reading_without_a_value_is_400(client):
    assert_error(client.post(URL, json={"sensor": "temperature"}), 400, "validation_error")


def test_body_not_sent_as_json_is_415(client):
    assert_error(client.post(URL, data="21.5"), 415, "unsupported_media_type")


def test_wrong_method_is_405_in_the_envelope(client):
    assert_error(client.delete(URL), 405, "method_not_allowed")
# --8<-- [end:tests]


# --8<-- [start:unknown]
def test_readings_of_an_unknown_device_are_404(client):
    assert_error(client.get("/api/v1/devices/nobody/readings"), 404, "not_found")
# --8<-- [end:unknown]
