"""Hidden: keys, deletion cascades, unicode names and the order of checks."""

from __future__ import annotations

import pytest
from hubcontract import API, assert_error, create_device, expect, new_device_id


def post_reading(client, device, **extra):
    """Post one reading as the device."""
    body = {"sensor": "t", "value": 1, **extra}
    return client.post(f"{device.url}/readings", json=body, headers=device.headers)


@pytest.mark.stage(4)
@pytest.mark.points(2)
@pytest.mark.hint(
    "The key is shown only by create: no GET (device, list, readings, latest, stats, "
    "commands) may ever contain it, in any field."
)
def test_key_never_appears_in_any_get(client, admin_headers, device):
    made = device()
    expect(post_reading(client, made), 201)
    expect(
        client.post(
            f"{made.url}/commands", json={"name": "led", "value": "on"}, headers=admin_headers
        ),
        201,
    )
    urls = [
        made.url,
        f"{API}/devices",
        f"{made.url}/readings",
        f"{made.url}/readings/latest",
        f"{made.url}/readings/stats?sensor=t",
    ]
    for url in urls:
        assert made.api_key not in client.get(url).text, f"GET {url} shows the device's key"
    assert made.api_key not in client.get(f"{made.url}/commands", headers=made.headers).text


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "Make each key with the secrets module (secrets.token_urlsafe(32)), so every device has "
    "its own unguessable key."
)
def test_every_device_gets_its_own_key(device):
    keys = {device().api_key for _ in range(5)}
    assert len(keys) == 5 and all(len(k) >= 32 for k in keys)


@pytest.mark.stage(4)
@pytest.mark.points(3)
@pytest.mark.hint(
    "Deleting a device deletes its readings and commands too (ON DELETE CASCADE or delete "
    "them first): a new device with the same id starts empty."
)
def test_delete_cascades(client, admin_headers):
    device_id = new_device_id("cascade")
    old = create_device(client, admin_headers, device_id=device_id)
    expect(post_reading(client, old, seq=1), 201)
    expect(
        client.post(
            f"{old.url}/commands", json={"name": "led", "value": "on"}, headers=admin_headers
        ),
        201,
    )
    expect(client.delete(old.url, headers=admin_headers), 204)
    new = create_device(client, admin_headers, device_id=device_id)
    try:
        assert expect(client.get(f"{new.url}/readings"), 200)["readings"] == []
        assert expect(client.get(f"{new.url}/readings/latest"), 200)["readings"] == []
        assert (
            expect(client.get(f"{new.url}/readings/stats", params={"sensor": "t"}), 200)["count"]
            == 0
        )
        assert expect(
            client.get(f"{new.url}/commands", params={"status": "all"}, headers=new.headers), 200
        ) == {"commands": []}
        expect(post_reading(client, new, seq=1), 201)
    finally:
        client.delete(new.url, headers=admin_headers)


@pytest.mark.stage(2)
@pytest.mark.points(2)
@pytest.mark.hint(
    "A deleted device's key must stop working, even when a new device takes the same id: "
    "answer 401 for the old key."
)
def test_old_key_dies_with_its_device(client, admin_headers):
    device_id = new_device_id("rekey")
    old = create_device(client, admin_headers, device_id=device_id)
    expect(client.delete(old.url, headers=admin_headers), 204)
    new = create_device(client, admin_headers, device_id=device_id)
    try:
        assert_error(post_reading(client, old), 401, "unauthorized")
        assert new.api_key != old.api_key
    finally:
        client.delete(new.url, headers=admin_headers)


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint("Deleting twice: the second DELETE is 404 not_found.")
def test_delete_twice_is_404(client, admin_headers, device):
    made = device()
    expect(client.delete(made.url, headers=admin_headers), 204)
    assert_error(client.delete(made.url, headers=admin_headers), 404, "not_found")


@pytest.mark.stage(1)
@pytest.mark.points(2)
@pytest.mark.hint(
    "name counts characters, not bytes: 100 emoji (400 bytes in UTF-8) are a valid name, "
    "101 are not."
)
def test_name_length_counts_characters(client, admin_headers, device):
    made = device(name="🌡" * 100)
    assert expect(client.get(made.url), 200)["name"] == "🌡" * 100
    body = {"id": new_device_id(), "name": "🌡" * 101, "kind": "k"}
    assert_error(
        client.post(f"{API}/devices", json=body, headers=admin_headers), 400, "validation_error"
    )


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint("Names made only of whitespace (tabs, newlines, no-break spaces) are blank: 400.")
@pytest.mark.parametrize("name", ["\t\n", "\u00a0\u2003"], ids=["tab-newline", "unicode-spaces"])
def test_whitespace_name_is_400(client, admin_headers, name):
    body = {"id": new_device_id(), "name": name, "kind": "k"}
    assert_error(
        client.post(f"{API}/devices", json=body, headers=admin_headers), 400, "validation_error"
    )


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint("Escaped unicode in JSON (\\u00fc, surrogate pairs) decodes to the same name.")
def test_escaped_unicode_name(client, admin_headers):
    device_id = new_device_id()
    body = f'{{"id": "{device_id}", "name": "K\\u00fcche \\ud83c\\udf21", "kind": "k"}}'
    response = client.post(
        f"{API}/devices",
        content=body,
        headers={**admin_headers, "Content-Type": "application/json"},
    )
    assert expect(response, 201)["name"] == "Küche 🌡"
    client.delete(f"{API}/devices/{device_id}", headers=admin_headers)


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint("An id of exactly 64 characters is allowed (1 to 64).")
def test_id_of_64_characters(client, admin_headers):
    device_id = (new_device_id("x") + "-" + "a" * 64)[:64]
    made = create_device(client, admin_headers, device_id=device_id)
    assert expect(client.get(made.url), 200)["id"] == device_id
    client.delete(made.url, headers=admin_headers)


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "A path id that is not a slug (uppercase) names no device: 404, or 400; never a 500."
)
def test_get_device_with_a_non_slug_id(client):
    response = client.get(f"{API}/devices/NOT-A-SLUG")
    assert_error(response, (404, 400), ("not_found", "validation_error"))


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("The admin token is not a device key: sent as X-API-Key it is 401.")
def test_admin_token_is_not_a_device_key(client, admin_token, device):
    made = device()
    response = client.post(
        f"{made.url}/readings", json={"sensor": "t", "value": 1}, headers={"X-API-Key": admin_token}
    )
    assert_error(response, 401, "unauthorized")


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("An empty X-API-Key header is a missing key: 401.")
def test_empty_key_is_401(client, device):
    made = device()
    response = client.post(
        f"{made.url}/readings", json={"sensor": "t", "value": 1}, headers={"X-API-Key": ""}
    )
    assert_error(response, 401, "unauthorized")


@pytest.mark.stage(2)
@pytest.mark.points(2)
@pytest.mark.hint(
    "Order of checks on device endpoints: device (404), then key (401/403), then the body "
    "(400). A bad body with a bad key is 401; with another device's key it is 403."
)
def test_key_is_checked_before_the_body(client, device):
    mine, other = device(), device()
    url = f"{mine.url}/readings"
    assert_error(client.post(url, json={"value": "bad"}), 401, "unauthorized")
    assert_error(client.post(url, json={"value": "bad"}, headers=other.headers), 403, "forbidden")
    missing = f"{API}/devices/{new_device_id('missing')}/readings"
    assert_error(
        client.post(missing, json={"value": "bad"}, headers=mine.headers), 404, "not_found"
    )


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "On admin endpoints the token comes before the body: a bad body without a token is 401."
)
def test_admin_token_is_checked_before_the_body(client):
    assert_error(client.post(f"{API}/devices", json={"id": "BAD ID"}), 401, "unauthorized")
