"""Commands: the admin queues them, the device polls and acknowledges them."""

from __future__ import annotations

import pytest
from hubcontract import API, assert_error, assert_utc, expect, new_device_id


def queue(client, admin_headers, device, name="led", value="on"):
    """Queue a command for the device as the admin; return it."""
    url = f"{device.url}/commands"
    return expect(client.post(url, json={"name": name, "value": value}, headers=admin_headers), 201)


def poll(client, device, **params):
    """Poll the device's commands with its key; return the list."""
    response = client.get(f"{device.url}/commands", params=params, headers=device.headers)
    return expect(response, 200)["commands"]


@pytest.mark.stage(4)
@pytest.mark.points(2)
@pytest.mark.hint(
    "POST /commands (admin) answers 201 with the command: id, device_id, name, value, "
    "status 'pending', detail null, created_at, acked_at null."
)
def test_queue_a_command(client, admin_headers, device):
    made = device()
    command = queue(client, admin_headers, made, "servo", "90")
    assert (command["device_id"], command["name"], command["value"]) == (made.id, "servo", "90")
    assert (command["status"], command["detail"], command["acked_at"]) == ("pending", None, None)
    assert_utc(command["created_at"])


@pytest.mark.stage(1)
@pytest.mark.points(1)
@pytest.mark.hint(
    "Queuing needs the admin token; the device's own key is not enough: both are 401."
)
@pytest.mark.parametrize("who", ["nobody", "the-device"])
def test_queue_without_admin_token_is_401(client, device, who):
    made = device()
    headers = made.headers if who == "the-device" else {}
    response = client.post(
        f"{made.url}/commands", json={"name": "led", "value": "on"}, headers=headers
    )
    assert_error(response, 401, "unauthorized")


@pytest.mark.stage(4)
@pytest.mark.points(1)
@pytest.mark.hint("Queuing for an unknown device (with the admin token) is 404 not_found.")
def test_queue_for_an_unknown_device_is_404(client, admin_headers):
    url = f"{API}/devices/{new_device_id('missing')}/commands"
    assert_error(
        client.post(url, json={"name": "led", "value": "on"}, headers=admin_headers),
        404,
        "not_found",
    )


@pytest.mark.stage(4)
@pytest.mark.points(1)
@pytest.mark.hint(
    "name is a slug and value a string of at most 256 characters, both required, nothing "
    "else allowed: otherwise 400 validation_error."
)
@pytest.mark.parametrize(
    "body",
    [
        {"name": "LED ON", "value": "on"},
        {"name": "servo", "value": 90},
        {"name": "led"},
        {"value": "on"},
        {"name": "led", "value": "v" * 257},
        {"name": "led", "value": "on", "at": 1},
    ],
    ids=["name-not-slug", "value-number", "no-value", "no-name", "value-257", "unknown-field"],
)
def test_queue_an_invalid_command_is_400(client, admin_headers, shared_device, body):
    response = client.post(f"{shared_device.url}/commands", json=body, headers=admin_headers)
    assert_error(response, 400, "validation_error")


@pytest.mark.stage(4)
@pytest.mark.points(2)
@pytest.mark.hint(
    'GET /commands with the device key answers {"commands": [...]}: the pending ones, oldest first.'
)
def test_poll_gives_pending_commands_oldest_first(client, admin_headers, device):
    made = device()
    queued = [queue(client, admin_headers, made, "led", v)["id"] for v in ("on", "off", "on")]
    commands = poll(client, made)
    assert [c["id"] for c in commands] == queued
    assert {c["status"] for c in commands} == {"pending"}


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("Polling needs the device's key in X-API-Key: without it 401 unauthorized.")
def test_poll_without_key_is_401(client, device):
    assert_error(client.get(f"{device().url}/commands"), 401, "unauthorized")


@pytest.mark.stage(2)
@pytest.mark.points(2)
@pytest.mark.hint("Polling with another device's valid key is 403 forbidden.")
def test_poll_with_another_devices_key_is_403(client, device):
    mine, other = device(), device()
    assert_error(client.get(f"{mine.url}/commands", headers=other.headers), 403, "forbidden")


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint(
    "Polling an unknown device is 404, whatever key is sent (the device is checked first)."
)
def test_poll_of_an_unknown_device_is_404(client, device):
    other = device()
    url = f"{API}/devices/{new_device_id('missing')}/commands"
    assert_error(client.get(url, headers=other.headers), 404, "not_found")


@pytest.mark.stage(4)
@pytest.mark.points(1)
@pytest.mark.hint(
    "?status= is one of pending, done, failed, all: anything else is 400 validation_error."
)
def test_poll_with_an_unknown_status_is_400(client, device):
    made = device()
    response = client.get(
        f"{made.url}/commands", params={"status": "finished"}, headers=made.headers
    )
    assert_error(response, 400, "validation_error")


@pytest.mark.stage(4)
@pytest.mark.points(3)
@pytest.mark.hint(
    'POST .../commands/<id>/ack with {"status": "done"} answers 200 with the command '
    "(status done, acked_at set); it then leaves the pending list and shows with ?status=done "
    "and ?status=all."
)
def test_ack_done(client, admin_headers, device):
    made = device()
    first, second = (
        queue(client, admin_headers, made),
        queue(client, admin_headers, made, "buzzer", "off"),
    )
    url = f"{made.url}/commands/{first['id']}/ack"
    acked = expect(client.post(url, json={"status": "done"}, headers=made.headers), 200)
    assert (acked["id"], acked["status"]) == (first["id"], "done")
    assert_utc(acked["acked_at"])
    assert [c["id"] for c in poll(client, made)] == [second["id"]]
    assert [c["id"] for c in poll(client, made, status="done")] == [first["id"]]
    assert [c["id"] for c in poll(client, made, status="all")] == [first["id"], second["id"]]


@pytest.mark.stage(4)
@pytest.mark.points(1)
@pytest.mark.hint("An ack may say failed, with a detail text that is stored and returned.")
def test_ack_failed_with_detail(client, admin_headers, device):
    made = device()
    command = queue(client, admin_headers, made)
    url = f"{made.url}/commands/{command['id']}/ack"
    body = {"status": "failed", "detail": "LED not wired"}
    acked = expect(client.post(url, json=body, headers=made.headers), 200)
    assert (acked["status"], acked["detail"]) == ("failed", "LED not wired")


@pytest.mark.stage(4)
@pytest.mark.points(1)
@pytest.mark.hint(
    "An ack's status is done or failed; anything else (or none) is 400 validation_error."
)
@pytest.mark.parametrize(
    "body",
    [{"status": "ok"}, {}, {"status": "done", "detail": "d" * 501}],
    ids=["status-ok", "empty", "detail-501"],
)
def test_ack_with_a_bad_body_is_400(client, admin_headers, device, body):
    made = device()
    command = queue(client, admin_headers, made)
    url = f"{made.url}/commands/{command['id']}/ack"
    assert_error(client.post(url, json=body, headers=made.headers), 400, "validation_error")


@pytest.mark.stage(4)
@pytest.mark.points(1)
@pytest.mark.hint("Acknowledging needs the device's key: without it 401.")
def test_ack_without_key_is_401(client, admin_headers, device):
    made = device()
    command = queue(client, admin_headers, made)
    url = f"{made.url}/commands/{command['id']}/ack"
    assert_error(client.post(url, json={"status": "done"}), 401, "unauthorized")


@pytest.mark.stage(4)
@pytest.mark.points(1)
@pytest.mark.hint("Polling counts as the device being seen: set last_seen_at.")
def test_poll_sets_last_seen_at(client, device):
    made = device()
    poll(client, made)
    assert_utc(expect(client.get(made.url), 200)["last_seen_at"])
