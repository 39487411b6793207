"""Errors every endpoint shares: 404, 405, 413, 415 and malformed JSON."""

from __future__ import annotations

import pytest
from hubcontract import API, MAX_BODY_BYTES, assert_error, expect, new_device_id, post_raw


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "Unknown paths answer 404 with the JSON error envelope too, not the framework's HTML "
    "page: register an error handler for 404."
)
@pytest.mark.parametrize(
    "path", [f"{API}/nothing-here", f"{API}/devices/x/nothing", "/api/v2/health"]
)
def test_unknown_path_is_404_json(client, path):
    assert_error(client.get(path), 404, "not_found")


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "A method a path does not support is 405 method_not_allowed in the JSON envelope "
    "(not an HTML page)."
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/devices"),
        ("PATCH", "/health"),
        ("DELETE", "/health"),
        ("PUT", "/devices/{id}"),
        ("DELETE", "/devices/{id}/readings"),
        ("GET", "/devices/{id}/commands/1/ack"),
        ("POST", "/devices/{id}/readings/latest"),
    ],
    ids=lambda v: v.replace("/", "_").strip("_") if isinstance(v, str) else v,
)
def test_wrong_method_is_405_json(client, shared_device, method, path):
    url = API + path.format(id=shared_device.id)
    assert_error(client.request(method, url), 405, "method_not_allowed")


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "A body that is not valid JSON is 400 malformed_json (catch the parse error, do not "
    "let it become a 500)."
)
@pytest.mark.parametrize(
    "body",
    ['{"id": ', "{'id': 'x'}", "", '{"id": "x",}', "null null", "\x00"],
    ids=["cut-off", "single-quotes", "empty", "trailing-comma", "two-values", "nul-byte"],
)
def test_malformed_json_is_400(client, admin_headers, body):
    response = post_raw(client, f"{API}/devices", body, headers=admin_headers)
    assert_error(response, 400, "malformed_json")


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "Bodies must be sent as application/json: another Content-Type, or none, is 415 "
    "unsupported_media_type."
)
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", None],
    ids=["text-plain", "form", "missing"],
)
def test_body_that_is_not_json_is_415(client, admin_headers, content_type):
    body = f'{{"id": "{new_device_id()}", "name": "n", "kind": "k"}}'
    response = post_raw(
        client, f"{API}/devices", body, headers=admin_headers, content_type=content_type
    )
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint("application/json with a charset parameter is still JSON: accept it.")
def test_json_with_a_charset_is_accepted(client, admin_headers):
    device_id = new_device_id()
    body = f'{{"id": "{device_id}", "name": "n", "kind": "k"}}'
    response = post_raw(
        client,
        f"{API}/devices",
        body,
        headers=admin_headers,
        content_type="application/json; charset=utf-8",
    )
    expect(response, 201)
    client.delete(f"{API}/devices/{device_id}", headers=admin_headers)


def oversized_body() -> bytes:
    """A valid JSON body one byte over HUB_MAX_BODY_BYTES."""
    head, tail = b'{"id": "big", "name": "', b'", "kind": "k"}'
    return head + b"x" * (MAX_BODY_BYTES + 1 - len(head) - len(tail)) + tail


@pytest.mark.stage(5)
@pytest.mark.points(2)
@pytest.mark.hint(
    "A body over HUB_MAX_BODY_BYTES (1 MiB) is 413 payload_too_large (in Flask set "
    "MAX_CONTENT_LENGTH and handle RequestEntityTooLarge; in Django check CONTENT_LENGTH)."
)
def test_oversized_body_is_413(client, admin_headers):
    response = post_raw(client, f"{API}/devices", oversized_body(), headers=admin_headers)
    assert_error(response, 413, "payload_too_large")


@pytest.mark.stage(5)
@pytest.mark.points(1)
@pytest.mark.hint(
    "The size check comes before anything else: an oversized body is 413 even without "
    "credentials or for an unknown device."
)
def test_oversized_body_is_413_before_auth(client):
    url = f"{API}/devices/{new_device_id('missing')}/readings"
    assert_error(post_raw(client, url, oversized_body()), 413, "payload_too_large")


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint(
    "A body just under the limit is fine: only bodies over HUB_MAX_BODY_BYTES are refused."
)
def test_body_under_the_limit_is_accepted(client, device):
    made = device()
    batch = [{"sensor": "t", "value": 1, "unit": "u" * 16}] * 500
    response = client.post(f"{made.url}/readings", json={"readings": batch}, headers=made.headers)
    assert len(response.request.content) < MAX_BODY_BYTES
    assert expect(response, 201)["created"] == 500
