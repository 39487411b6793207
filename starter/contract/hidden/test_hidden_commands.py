"""Hidden: acknowledging twice, other devices' commands, unknown commands."""

from __future__ import annotations

import pytest
from hubcontract import API, assert_error, expect, post_raw


def queue(client, admin_headers, device, name="led", value="on"):
    """Queue a command for the device; return it."""
    body = {"name": name, "value": value}
    return expect(client.post(f"{device.url}/commands", json=body, headers=admin_headers), 201)


def ack(client, device, command_id, status="done"):
    """Acknowledge a command as the device."""
    url = f"{device.url}/commands/{command_id}/ack"
    return client.post(url, json={"status": status}, headers=device.headers)


@pytest.mark.stage(4)
@pytest.mark.points(2)
@pytest.mark.hint(
    "A command is acknowledged once: a second ack (done or failed) is 409 conflict and "
    "changes nothing."
)
def test_ack_twice_is_409(client, admin_headers, device):
    made = device()
    command = queue(client, admin_headers, made)
    first = expect(ack(client, made, command["id"]), 200)
    assert_error(ack(client, made, command["id"], "failed"), 409, "conflict")
    again = expect(
        client.get(f"{made.url}/commands", params={"status": "all"}, headers=made.headers), 200
    )
    assert again["commands"][0]["status"] == "done"
    assert again["commands"][0]["acked_at"] == first["acked_at"]


@pytest.mark.stage(4)
@pytest.mark.points(2)
@pytest.mark.hint(
    "Look the command up by id AND device: another device's command is 404 for you, and "
    "stays pending."
)
def test_ack_of_another_devices_command_is_404(client, admin_headers, device):
    mine, other = device(), device()
    theirs = queue(client, admin_headers, other)
    assert_error(ack(client, mine, theirs["id"]), 404, "not_found")
    pending = expect(client.get(f"{other.url}/commands", headers=other.headers), 200)["commands"]
    assert [c["id"] for c in pending] == [theirs["id"]]


@pytest.mark.stage(4)
@pytest.mark.points(1)
@pytest.mark.hint("An unknown command id is 404 not_found.")
@pytest.mark.parametrize("command_id", [2**31 - 1, 2**62])
def test_ack_of_an_unknown_command_is_404(client, device, command_id):
    assert_error(ack(client, device(), command_id), 404, "not_found")


@pytest.mark.stage(4)
@pytest.mark.points(1)
@pytest.mark.hint(
    "Acking through another device's URL with your key is 403 (the key is checked against "
    "the device in the URL before the command)."
)
def test_ack_with_another_devices_key_is_403(client, admin_headers, device):
    mine, other = device(), device()
    command = queue(client, admin_headers, mine)
    url = f"{mine.url}/commands/{command['id']}/ack"
    assert_error(client.post(url, json={"status": "done"}, headers=other.headers), 403, "forbidden")


@pytest.mark.stage(4)
@pytest.mark.points(1)
@pytest.mark.hint(
    "Ack bodies go through the same JSON checks: malformed JSON is 400 malformed_json."
)
def test_ack_with_malformed_json_is_400(client, admin_headers, device):
    made = device()
    command = queue(client, admin_headers, made)
    url = f"{made.url}/commands/{command['id']}/ack"
    assert_error(post_raw(client, url, '{"status": ', headers=made.headers), 400, "malformed_json")


@pytest.mark.stage(4)
@pytest.mark.points(1)
@pytest.mark.hint(
    "status=failed and status=all filter the poll; all lists every command oldest first."
)
def test_poll_filters(client, admin_headers, device):
    made = device()
    ids = [queue(client, admin_headers, made, "led", v)["id"] for v in ("a", "b", "c")]
    expect(ack(client, made, ids[1], "failed"), 200)
    expect(ack(client, made, ids[2], "done"), 200)

    def listed(status):
        response = client.get(
            f"{made.url}/commands", params={"status": status}, headers=made.headers
        )
        return [c["id"] for c in expect(response, 200)["commands"]]

    assert (listed("pending"), listed("failed"), listed("done"), listed("all")) == (
        [ids[0]],
        [ids[1]],
        [ids[2]],
        ids,
    )


@pytest.mark.stage(4)
@pytest.mark.points(1)
@pytest.mark.hint("Commands carry unicode values unchanged (up to 256 characters).")
def test_unicode_command_value(client, admin_headers, device):
    made = device()
    command = queue(client, admin_headers, made, "display", "Grüße 👋" * 32)
    assert command["value"] == "Grüße 👋" * 32


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("Commands of an unknown device are 404 for queuing (with the token) and polling.")
def test_unknown_device_commands_are_404(client, admin_headers):
    url = f"{API}/devices/nobody-here-0000/commands"
    assert_error(client.get(url, headers={"X-API-Key": "x" * 40}), 404, "not_found")
