"""Devices: create (admin), list, get, delete (admin)."""

from __future__ import annotations

import pytest
from hubcontract import API, assert_error, assert_utc, expect, new_device_id, post_raw


def device_body(**overrides):
    """A valid create-device body with a fresh id, changed by overrides."""
    return {"id": new_device_id(), "name": "Living room", "kind": "arduino-uno", **overrides}


@pytest.mark.stage(1)
@pytest.mark.points(2)
@pytest.mark.hint(
    "POST /api/v1/devices must answer 201 with the device (id, name, kind, created_at, "
    "last_seen_at null, api_key of at least 32 characters) and a Location header "
    "/api/v1/devices/<id>."
)
def test_create_device_returns_it_with_a_key_and_location(client, admin_headers):
    sent = device_body()
    response = client.post(f"{API}/devices", json=sent, headers=admin_headers)
    body = expect(response, 201)
    assert {k: body[k] for k in ("id", "name", "kind")} == sent
    assert body["last_seen_at"] is None
    assert_utc(body["created_at"])
    assert response.headers.get("location", "").endswith(f"{API}/devices/{sent['id']}")
    client.delete(f"{API}/devices/{sent['id']}", headers=admin_headers)


@pytest.mark.stage(1)
@pytest.mark.points(2)
@pytest.mark.hint(
    "Creating a device needs the admin token: without an Authorization header answer 401 "
    'with {"error": {"code": "unauthorized", ...}}.'
)
def test_create_device_without_token_is_401(client):
    assert_error(client.post(f"{API}/devices", json=device_body()), 401, "unauthorized")


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "Accept only 'Authorization: Bearer <HUB_ADMIN_TOKEN>'; any other value (wrong token, "
    "another scheme, no scheme) is 401 unauthorized."
)
@pytest.mark.parametrize(
    "value",
    ["Bearer wrong-token", "Basic ZGV2LWFkbWluLXRva2VuOg==", "dev-admin-token", "Bearer"],
    ids=["wrong-token", "basic-scheme", "no-scheme", "empty-bearer"],
)
def test_create_device_with_a_wrong_authorization_is_401(client, value):
    response = client.post(f"{API}/devices", json=device_body(), headers={"Authorization": value})
    assert_error(response, 401, "unauthorized")


@pytest.mark.stage(1)
@pytest.mark.points(2)
@pytest.mark.hint(
    "A second device with an id that exists already is refused with 409 conflict; "
    "check for the id before inserting (or catch the unique-constraint error)."
)
def test_create_device_with_an_existing_id_is_409(client, admin_headers, device):
    existing = device()
    response = client.post(
        f"{API}/devices", json=device_body(id=existing.id), headers=admin_headers
    )
    assert_error(response, 409, "conflict")


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "A device id is a slug: 1 to 64 characters of a-z, 0-9, '-' and '_'. Refuse anything "
    "else with 400 validation_error."
)
@pytest.mark.parametrize(
    "bad_id",
    ["Living-Room", "living room", "", "a" * 65, "küche", "a/b", "a.b"],
    ids=["uppercase", "space", "empty", "65-chars", "non-ascii", "slash", "dot"],
)
def test_create_device_with_a_bad_id_is_400(client, admin_headers, bad_id):
    response = client.post(f"{API}/devices", json=device_body(id=bad_id), headers=admin_headers)
    assert_error(response, 400, "validation_error")


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint("id, name and kind are all required: a missing one is 400 validation_error.")
@pytest.mark.parametrize("field", ["id", "name", "kind"])
def test_create_device_without_a_required_field_is_400(client, admin_headers, field):
    body = device_body()
    del body[field]
    assert_error(
        client.post(f"{API}/devices", json=body, headers=admin_headers), 400, "validation_error"
    )


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "id, name and kind must be JSON strings: refuse numbers, null, lists and objects with "
    "400 validation_error instead of converting them."
)
@pytest.mark.parametrize(
    "overrides",
    [{"name": 42}, {"kind": None}, {"id": 7}, {"name": ["a"]}, {"kind": {"a": 1}}, {"name": True}],
    ids=["name-number", "kind-null", "id-number", "name-list", "kind-object", "name-bool"],
)
def test_create_device_with_a_wrong_type_is_400(client, admin_headers, overrides):
    response = client.post(f"{API}/devices", json=device_body(**overrides), headers=admin_headers)
    assert_error(response, 400, "validation_error")


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "Refuse fields the contract does not know (e.g. api_key in the create body) with 400 "
    "validation_error, so a typo never passes silently."
)
def test_create_device_with_an_unknown_field_is_400(client, admin_headers):
    response = client.post(
        f"{API}/devices", json=device_body(api_key="x" * 40), headers=admin_headers
    )
    assert_error(response, 400, "validation_error")


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "name is 1 to 100 characters and not only spaces; kind is 1 to 32. Refuse others with 400."
)
@pytest.mark.parametrize(
    "overrides",
    [{"name": "   "}, {"name": ""}, {"name": "n" * 101}, {"kind": ""}, {"kind": "k" * 33}],
    ids=["name-spaces", "name-empty", "name-101", "kind-empty", "kind-33"],
)
def test_create_device_with_a_bad_name_or_kind_is_400(client, admin_headers, overrides):
    response = client.post(f"{API}/devices", json=device_body(**overrides), headers=admin_headers)
    assert_error(response, 400, "validation_error")


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "The body must be a JSON object: a list, a string or a number is valid JSON but "
    "400 validation_error."
)
@pytest.mark.parametrize(
    "body", ["[]", '"device"', "3", "null"], ids=["list", "string", "number", "null"]
)
def test_create_device_with_a_body_that_is_not_an_object_is_400(client, admin_headers, body):
    response = post_raw(client, f"{API}/devices", body, headers=admin_headers)
    assert_error(response, 400, "validation_error")


@pytest.mark.stage(1)
@pytest.mark.points(2)
@pytest.mark.hint(
    "GET /api/v1/devices/<id> returns id, name, kind, created_at and last_seen_at, and "
    "never the api_key (the hub keeps only its hash)."
)
def test_get_device_never_shows_its_key(client, device):
    made = device(name="Porch")
    body = expect(client.get(made.url), 200)
    assert body["id"] == made.id and body["name"] == "Porch"
    assert "api_key" not in body and made.api_key not in client.get(made.url).text


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint("An unknown device id is 404 with the error envelope, code not_found.")
def test_get_unknown_device_is_404(client):
    assert_error(client.get(f"{API}/devices/{new_device_id('missing')}"), 404, "not_found")


@pytest.mark.stage(1)
@pytest.mark.points(2)
@pytest.mark.hint(
    'GET /api/v1/devices answers {"devices": [...]} with every device ordered by id; '
    "each device without its key."
)
def test_list_devices_holds_new_devices_in_id_order(client, device):
    first, second = device(), device()
    ids = [d["id"] for d in expect(client.get(f"{API}/devices"), 200)["devices"]]
    assert first.id in ids and second.id in ids
    assert ids == sorted(ids), "devices must be ordered by id"


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "Names are any unicode: store and return them unchanged (UTF-8 JSON, no escaping "
    "problems, no truncation)."
)
def test_unicode_name_round_trips(client, device):
    name = "Küche – 温度計 🌡️ Ωμέγα"
    made = device(name=name)
    assert expect(client.get(made.url), 200)["name"] == name


@pytest.mark.stage(1)
@pytest.mark.points(2)
@pytest.mark.hint(
    "DELETE /api/v1/devices/<id> with the admin token answers 204 with an empty body; "
    "afterwards GET of the device is 404."
)
def test_delete_device_then_it_is_gone(client, admin_headers, device):
    made = device()
    expect(client.delete(made.url, headers=admin_headers), 204)
    assert_error(client.get(made.url), 404, "not_found")


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint("Deleting needs the admin token: without it answer 401 and delete nothing.")
def test_delete_device_without_token_is_401(client, device):
    made = device()
    assert_error(client.delete(made.url), 401, "unauthorized")
    expect(client.get(made.url), 200)


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint("Deleting an unknown device (with the admin token) is 404 not_found.")
def test_delete_unknown_device_is_404(client, admin_headers):
    response = client.delete(f"{API}/devices/{new_device_id('missing')}", headers=admin_headers)
    assert_error(response, 404, "not_found")


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "On admin endpoints check the token first: an unknown device without a token is 401, "
    "not 404 (do not tell strangers which devices exist)."
)
def test_admin_token_is_checked_before_the_device(client):
    assert_error(client.delete(f"{API}/devices/{new_device_id('missing')}"), 401, "unauthorized")


@pytest.mark.stage(2)
@pytest.mark.points(2)
@pytest.mark.hint(
    "last_seen_at is null until the device posts a reading; then set it to the time of "
    "that request (in UTC)."
)
def test_last_seen_at_is_set_when_the_device_posts(client, device):
    made = device()
    assert expect(client.get(made.url), 200)["last_seen_at"] is None
    reading = {"sensor": "temperature", "value": 20.5}
    expect(client.post(f"{made.url}/readings", json=reading, headers=made.headers), 201)
    assert_utc(expect(client.get(made.url), 200)["last_seen_at"])
