"""hubkit, the in-memory hub the notebooks start: its answers match the contract.

Every successful answer is checked against the contract's JSON Schemas
(starter/contract/openapi.yaml) with the contract suite's own `expect()`, over real HTTP to
a hub served by `running_hub()`. Then the parts the gateway lesson leans on: `seq` replays,
the commands flow, and a hub that goes down and comes back up on the same port with its
data. The last test runs the whole contract suite (public and hidden) against hubkit.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator

import httpx
import pytest
from hubtesting import REPO, run_pytest

import hubkit
from hubkit import ADMIN_TOKEN, APIError, create_app, running_hub

CONTRACT = REPO / "starter" / "contract"
if str(CONTRACT) not in sys.path:
    sys.path.insert(0, str(CONTRACT))
from hubcontract import assert_error, expect  # noqa: E402

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def hub() -> Iterator[hubkit.Hub]:
    with running_hub() as served:
        yield served


@pytest.fixture
def client(hub: hubkit.Hub) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hub.url, timeout=5) as http:
        yield http


def register(client: httpx.Client, device_id: str) -> dict[str, str]:
    """Register a device over HTTP; return its X-API-Key header."""
    body = {"id": device_id, "name": device_id.title(), "kind": "arduino-uno"}
    created = expect(client.post("/api/v1/devices", json=body, headers=ADMIN), 201)
    return {"X-API-Key": created["api_key"]}


def refused(url: str) -> bool:
    """Is a TCP connection to the host and port of url refused?"""
    host, port = url.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


# -- shapes -------------------------------------------------------------------------------


def test_running_hub_yields_a_hub_with_a_url_and_the_admin_token(hub):
    assert hub.url.startswith("http://127.0.0.1:") and not hub.url.endswith("/")
    assert hub.admin_token == ADMIN_TOKEN
    assert hub.app.config["HUB_ADMIN_TOKEN"] == ADMIN_TOKEN
    assert hub.is_up and "up" in repr(hub)


def test_health(client):
    assert expect(client.get("/api/v1/health"), 200) == {"status": "ok", "framework": "flask"}


def test_devices_create_list_get_delete(client):
    body = {"id": "kitchen", "name": "Kitchen", "kind": "arduino-uno"}
    response = client.post("/api/v1/devices", json=body, headers=ADMIN)
    created = expect(response, 201)
    assert response.headers["Location"] == "/api/v1/devices/kitchen"
    assert len(created["api_key"]) >= 32
    listed = expect(client.get("/api/v1/devices"), 200)["devices"]
    assert [d["id"] for d in listed] == ["kitchen"] and "api_key" not in listed[0]
    assert expect(client.get("/api/v1/devices/kitchen"), 200)["name"] == "Kitchen"
    assert_error(client.post("/api/v1/devices", json=body, headers=ADMIN), 409, "conflict")
    expect(client.delete("/api/v1/devices/kitchen", headers=ADMIN), 204)
    assert_error(client.get("/api/v1/devices/kitchen"), 404, "not_found")


def test_readings_post_list_latest_stats(client):
    key = register(client, "kitchen")
    url = "/api/v1/devices/kitchen/readings"
    for value, at in ((21.0, "10:00"), (23.0, "10:01"), (22.0, "10:02")):
        reading = {
            "sensor": "temperature",
            "value": value,
            "unit": "C",
            "recorded_at": f"2026-01-01T{at}:00+00:00",
        }
        expect(client.post(url, json=reading, headers=key), 201)
    expect(client.post(url, json={"sensor": "humidity", "value": 40}, headers=key), 201)
    listed = expect(client.get(url, params={"sensor": "temperature"}), 200)
    assert [r["value"] for r in listed["readings"]] == [22.0, 23.0, 21.0]  # newest first
    assert listed["next"] is None
    latest = expect(client.get(f"{url}/latest"), 200)["readings"]
    assert [(r["sensor"], r["value"]) for r in latest] == [("humidity", 40), ("temperature", 22.0)]
    stats = expect(client.get(f"{url}/stats", params={"sensor": "temperature"}), 200)
    assert (stats["count"], stats["min"], stats["max"], stats["mean"]) == (3, 21.0, 23.0, 22.0)
    assert stats["first_recorded_at"] == "2026-01-01T10:00:00+00:00"
    assert expect(client.get(f"{url}/stats", params={"sensor": "light"}), 200)["count"] == 0


def test_readings_page_with_a_next_link(client):
    key = register(client, "kitchen")
    url = "/api/v1/devices/kitchen/readings"
    batch = {"readings": [{"sensor": "light", "value": v, "seq": v} for v in range(5)]}
    expect(client.post(url, json=batch, headers=key), 201)
    seen, page_url = [], f"{url}?limit=2"
    while page_url:
        page = expect(client.get(page_url), 200)
        seen += [r["seq"] for r in page["readings"]]
        page_url = page["next"]
    assert sorted(seen) == [0, 1, 2, 3, 4] and len(seen) == 5


# -- seq replay ---------------------------------------------------------------------------


def test_a_seq_replay_answers_200_with_the_first_value_and_is_stored_once(client):
    key = register(client, "kitchen")
    url = "/api/v1/devices/kitchen/readings"
    first = expect(
        client.post(url, json={"sensor": "light", "value": 1, "seq": 7}, headers=key), 201
    )
    again = expect(
        client.post(url, json={"sensor": "light", "value": 99, "seq": 7}, headers=key), 200
    )
    assert again == first  # the first one, unchanged
    assert [r["value"] for r in expect(client.get(url), 200)["readings"]] == [1]


def test_a_batch_counts_created_and_replayed(client):
    key = register(client, "kitchen")
    url = "/api/v1/devices/kitchen/readings"
    expect(client.post(url, json={"sensor": "light", "value": 1, "seq": 1}, headers=key), 201)
    batch = {"readings": [{"sensor": "light", "value": v, "seq": v} for v in (1, 2)]}
    answer = expect(client.post(url, json=batch, headers=key), 201)
    assert (answer["created"], answer["replayed"]) == (1, 1)
    replay = expect(client.post(url, json=batch, headers=key), 200)
    assert (replay["created"], replay["replayed"]) == (0, 2)
    assert len(expect(client.get(url), 200)["readings"]) == 2


def test_the_same_seq_of_another_device_is_a_new_reading(client):
    kitchen, attic = register(client, "kitchen"), register(client, "attic")
    reading = {"sensor": "light", "value": 1, "seq": 0}
    expect(client.post("/api/v1/devices/kitchen/readings", json=reading, headers=kitchen), 201)
    expect(client.post("/api/v1/devices/attic/readings", json=reading, headers=attic), 201)


# -- commands -----------------------------------------------------------------------------


def test_commands_queue_poll_ack(client):
    key = register(client, "kitchen")
    url = "/api/v1/devices/kitchen/commands"
    queued = [
        expect(client.post(url, json={"name": "led", "value": v}, headers=ADMIN), 201)
        for v in ("on", "off")
    ]
    assert {c["status"] for c in queued} == {"pending"}
    polled = expect(client.get(url, headers=key), 200)["commands"]
    assert [c["id"] for c in polled] == [c["id"] for c in queued]  # oldest first
    ack_url = f"{url}/{queued[0]['id']}/ack"
    acked = expect(client.post(ack_url, json={"status": "done"}, headers=key), 200)
    assert acked["status"] == "done" and acked["acked_at"]
    assert_error(client.post(ack_url, json={"status": "done"}, headers=key), 409, "conflict")
    assert [c["id"] for c in expect(client.get(url, headers=key), 200)["commands"]] == [
        queued[1]["id"]
    ]
    done = expect(client.get(url, params={"status": "done"}, headers=key), 200)["commands"]
    assert [c["id"] for c in done] == [queued[0]["id"]]
    assert expect(client.get("/api/v1/devices/kitchen"), 200)["last_seen_at"]


def test_another_devices_command_is_404(client):
    register(client, "kitchen")
    attic = register(client, "attic")
    command = expect(
        client.post(
            "/api/v1/devices/kitchen/commands", json={"name": "led", "value": "on"}, headers=ADMIN
        ),
        201,
    )
    url = f"/api/v1/devices/attic/commands/{command['id']}/ack"
    assert_error(client.post(url, json={"status": "done"}, headers=attic), 404, "not_found")


def test_errors_come_in_the_envelope(client):
    key = register(client, "kitchen")
    url = "/api/v1/devices/kitchen/readings"
    assert_error(client.post(url, json={"sensor": "t", "value": 1}), 401, "unauthorized")
    assert_error(client.post(url, content="{}", headers=key), 415, "unsupported_media_type")
    assert_error(
        client.post(url, json={"sensor": "t", "value": "21"}, headers=key), 400, "validation_error"
    )
    assert_error(
        client.post("/api/v1/devices/kitchen/commands", json={"name": "led"}, headers=key),
        401,
        "unauthorized",
    )
    assert_error(client.get("/api/v1/nothing"), 404, "not_found")


# -- down and up --------------------------------------------------------------------------


def test_down_refuses_connections_and_up_serves_the_same_data_on_the_same_port(hub, client):
    key = register(client, "kitchen")
    url = hub.url
    hub.down()
    assert not hub.is_up and refused(url)
    with pytest.raises(httpx.ConnectError):
        client.get("/api/v1/health")
    hub.up()
    assert hub.url == url
    reading = {"sensor": "light", "value": 5, "seq": 0}
    expect(client.post("/api/v1/devices/kitchen/readings", json=reading, headers=key), 201)
    assert [d["id"] for d in expect(client.get("/api/v1/devices"), 200)["devices"]] == ["kitchen"]


def test_outage_is_down_inside_and_up_after(hub, client):
    with hub.outage():
        assert refused(hub.url)
        device_id, key = hub.register("Garage Pi", kind="raspberry-pi")  # works while down
    assert device_id == "garage-pi" and len(key) >= 32
    assert expect(client.get("/api/v1/devices/garage-pi"), 200)["kind"] == "raspberry-pi"


def test_register_raises_api_error_when_refused(hub):
    hub.register("kitchen")
    with pytest.raises(APIError) as caught:
        hub.register("kitchen")
    assert (caught.value.status, caught.value.code) == (409, "conflict")


def test_running_hub_stops_at_the_end_of_the_block():
    with running_hub("another-token") as served:
        url = served.url
        assert served.admin_token == "another-token"
    assert refused(url)


def test_each_app_has_its_own_data_and_verbose_prints_each_request(capsys):
    quiet, loud = create_app(), create_app("token", verbose=True)
    quiet.test_client().post(
        "/api/v1/devices", headers=ADMIN, json={"id": "kitchen", "name": "Kitchen", "kind": "uno"}
    )
    assert loud.test_client().get("/api/v1/devices").get_json() == {"devices": []}
    assert capsys.readouterr().out == "    [hub] GET /api/v1/devices -> 200\n"


@pytest.mark.slow
def test_the_whole_contract_suite_passes_against_hubkit():
    """Every test, the rate-limit ones too: hubkit runs with a limit, as the grader's hubs."""
    with running_hub(rate_limit="60/minute") as limited:
        result = run_pytest(
            ["starter/contract", "--backend", limited.url, f"--admin-token={limited.admin_token}",
             "--rate-limit", "60/minute", "-q", "-p", "no:xdist", "-rs"],
            timeout=300,
        )
    assert result.returncode == 0, f"{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
    assert "skipped" not in result.stdout.splitlines()[-1], result.stdout[-2000:]


def test_lose_answers_delivers_the_request_and_loses_the_answer(hub):
    device_id, key = hub.register("kitchen")
    url = f"/api/v1/devices/{device_id}/readings"
    reading = {"sensor": "light", "value": 5, "seq": 3}
    transport = hubkit.LoseAnswers(1)
    with httpx.Client(base_url=hub.url, transport=transport) as lossy:
        with pytest.raises(httpx.ReadTimeout):
            lossy.post(url, json=reading, headers={"X-API-Key": key})
        assert lossy.get(url).status_code == 200  # only POST answers are lost
        assert lossy.post(url, json=reading, headers={"X-API-Key": key}).status_code == 200
        assert transport.lost == 1
        assert len(lossy.get(url).json()["readings"]) == 1
