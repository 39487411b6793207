"""Hidden: hostile bodies that must never become a 500."""

from __future__ import annotations

import pytest
from hubcontract import API, MAX_BODY_BYTES, assert_error, new_device_id, post_raw


@pytest.mark.stage(5)
@pytest.mark.points(2)
@pytest.mark.hint(
    "Deeply nested JSON makes Python's json module raise RecursionError: catch it and answer "
    "400 malformed_json (or validation_error), never a 500."
)
@pytest.mark.parametrize("depth", [100_000])
def test_deeply_nested_json_is_400(client, admin_headers, depth):
    body = "[" * depth + "]" * depth
    response = post_raw(client, f"{API}/devices", body, headers=admin_headers)
    assert_error(response, 400, ("malformed_json", "validation_error"))


@pytest.mark.stage(1)
@pytest.mark.points(2)
@pytest.mark.hint(
    "Bytes that are not UTF-8 are not JSON text: catch the UnicodeDecodeError and answer 400 "
    "malformed_json."
)
@pytest.mark.parametrize(
    "body",
    [b'{"id": "\xff\xfe", "name": "n", "kind": "k"}', b"\xc3\x28", b'{"name": "\xed\xa0\x80"}'],
    ids=["ff-fe", "bad-continuation", "encoded-surrogate"],
)
def test_invalid_utf8_is_400(client, admin_headers, body):
    response = post_raw(client, f"{API}/devices", body, headers=admin_headers)
    assert_error(response, 400, "malformed_json")


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint("A lone surrogate escape (\\ud800) cannot be stored as text: refuse it with 400.")
def test_lone_surrogate_in_name_is_400(client, admin_headers):
    body = f'{{"id": "{new_device_id()}", "name": "bad \\ud800", "kind": "k"}}'
    response = post_raw(client, f"{API}/devices", body, headers=admin_headers)
    assert_error(response, 400, ("validation_error", "malformed_json"))


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "Duplicate keys or not, a JSON object with 10,000 unknown fields is just 400 (quickly)."
)
def test_many_unknown_fields_is_400(client, admin_headers):
    fields = ", ".join(f'"f{i}": {i}' for i in range(10_000))
    body = f'{{"id": "{new_device_id()}", "name": "n", "kind": "k", {fields}}}'
    assert_error(
        post_raw(client, f"{API}/devices", body, headers=admin_headers), 400, "validation_error"
    )


@pytest.mark.stage(5)
@pytest.mark.points(2)
@pytest.mark.hint(
    "Check the size before reading the body, on every endpoint that takes one (readings, "
    "commands, acks): over 1 MiB is 413."
)
@pytest.mark.parametrize(
    "path", ["/devices/{id}/readings", "/devices/{id}/commands", "/devices/{id}/commands/1/ack"]
)
def test_oversized_body_everywhere_is_413(client, admin_headers, device, path):
    made = device()
    body = b'{"value": "' + b"x" * MAX_BODY_BYTES + b'"}'
    headers = {**admin_headers, **made.headers}
    assert_error(
        post_raw(client, API + path.format(id=made.id), body, headers=headers),
        413,
        "payload_too_large",
    )


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "A body of exactly HUB_MAX_BODY_BYTES is allowed (the limit is inclusive); it is then "
    "400 if invalid."
)
def test_body_of_exactly_the_limit_is_not_413(client, admin_headers):
    head, tail = b'{"id": "BAD", "name": "', b'", "kind": "k"}'
    body = head + b"x" * (MAX_BODY_BYTES - len(head) - len(tail)) + tail
    assert len(body) == MAX_BODY_BYTES
    assert_error(
        post_raw(client, f"{API}/devices", body, headers=admin_headers), 400, "validation_error"
    )


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "JSON starting with a UTF-8 byte order mark is either accepted or refused with 400 "
    "malformed_json; never a 500."
)
def test_json_with_a_bom(client, admin_headers):
    device_id = new_device_id()
    body = b"\xef\xbb\xbf" + (f'{{"id": "{device_id}", "name": "n", "kind": "k"}}').encode()
    response = post_raw(client, f"{API}/devices", body, headers=admin_headers)
    if response.status_code == 201:
        client.delete(f"{API}/devices/{device_id}", headers=admin_headers)
    else:
        assert_error(response, 400, "malformed_json")


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint("The Content-Type check ignores case: Application/JSON is JSON.")
def test_content_type_is_case_insensitive(client, admin_headers):
    device_id = new_device_id()
    body = f'{{"id": "{device_id}", "name": "n", "kind": "k"}}'
    response = post_raw(
        client, f"{API}/devices", body, headers=admin_headers, content_type="Application/JSON"
    )
    assert response.status_code == 201, f"expected 201, got {response.status_code}: {response.text}"
    client.delete(f"{API}/devices/{device_id}", headers=admin_headers)


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "A path with odd characters (%00, very long) is 404 or 400 in the envelope, never a 500."
)
@pytest.mark.parametrize("segment", ["%00", "a" * 5000, ".."], ids=["nul", "long", "dotdot"])
def test_odd_device_paths(client, segment):
    response = client.get(f"{API}/devices/{segment}/readings")
    assert_error(response, (404, 400), ("not_found", "validation_error"))
