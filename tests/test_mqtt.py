"""mqttkit: the embedded broker, the helpers, and the bridge between MQTT and the hub.

Everything runs against amqtt's broker started in the test (no set-up, no network), and
waits on events with a timeout, never on a fixed sleep.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import paho.mqtt.client as mqtt
import pytest
from hubtesting import REPO

from hubkit import running_hub
from mqttkit import (
    Bridge,
    connected,
    cut_connection,
    parse_topic,
    running_broker,
    topic,
    wait_until,
)

ADMIN = "test-admin-token"


@pytest.fixture
def broker() -> Iterator:
    with running_broker() as broker:
        yield broker


def subscribe(client: mqtt.Client, broker, topic_filter: str) -> queue.Queue:
    """Subscribe client to topic_filter (QoS 1); a queue of the messages; return once subscribed."""
    inbox: queue.Queue = queue.Queue()
    client.on_message = lambda client, userdata, message: inbox.put(message)
    client.subscribe(topic_filter, qos=1)
    broker.wait_for_subscriber(topic_filter)
    return inbox


def next_event(bridge: Bridge, what: str) -> tuple:
    """The bridge's next event of this kind (others are skipped), within 5 s."""
    while True:
        event = bridge.events.get(timeout=5)
        if event[0] == what:
            return event


# -- the broker and the helpers --------------------------------------------------------


def test_two_brokers_listen_on_their_own_free_ports():
    with running_broker() as first, running_broker() as second:
        assert first.port != second.port and first.port > 0 and second.port > 0
        assert first.url == f"mqtt://127.0.0.1:{first.port}"
        with connected(first.host, first.port, "a"), connected(second.host, second.port, "b"):
            pass
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="late")
    with pytest.raises(ConnectionRefusedError):
        client.connect(first.host, first.port)


def test_a_message_goes_from_publisher_to_subscriber(broker):
    with connected(broker.host, broker.port, "sub") as sub, \
            connected(broker.host, broker.port, "pub") as pub:
        inbox = subscribe(sub, broker, "home/+/readings")
        info = pub.publish("home/kitchen/readings", b'{"value": 1}', qos=1)
        info.wait_for_publish(timeout=5)
        assert info.is_published()
        message = inbox.get(timeout=5)
        assert (message.topic, message.payload, message.qos) == (
            "home/kitchen/readings", b'{"value": 1}', 1)


def test_a_cut_connection_publishes_the_last_will_retained(broker):
    status = "home/kitchen/status"
    with connected(broker.host, broker.port, "kitchen", will=(status, "offline")) as kitchen, \
            connected(broker.host, broker.port, "dashboard") as dashboard:
        kitchen.publish(status, "online", qos=1, retain=True).wait_for_publish(5)
        inbox = subscribe(dashboard, broker, "home/+/status")
        first = inbox.get(timeout=5)
        assert (first.payload, first.retain) == (b"online", True)
        cut_connection(kitchen)
        assert inbox.get(timeout=5).payload == b"offline"
    assert broker.retained() == {status: b"offline"}


def test_a_clean_goodbye_leaves_no_will(broker):
    status = "home/garage/status"
    with connected(broker.host, broker.port, "garage", will=(status, "offline")) as garage:
        garage.publish(status, "online", qos=1, retain=True).wait_for_publish(5)
    assert broker.retained() == {status: b"online"}


def test_wait_until_says_what_never_happened():
    with pytest.raises(TimeoutError, match="waited 0.05 s for the sky to fall"):
        wait_until(lambda: False, "the sky to fall", timeout=0.05)


@pytest.mark.parametrize(
    ("device_id", "kind", "expected"),
    [("kitchen", "readings", "home/kitchen/readings"), ("attic-2", "acks", "home/attic-2/acks"),
     ("garage", "status", "home/garage/status"), ("a_b", "commands", "home/a_b/commands")],
)
def test_topic_names(device_id, kind, expected):
    assert topic(device_id, kind) == expected
    assert parse_topic(expected) == (device_id, kind)


@pytest.mark.parametrize(
    ("device_id", "kind"),
    [("", "readings"), ("a/b", "readings"), ("+", "readings"), ("#", "acks"), ("ok", "reading")],
)
def test_topic_refuses_what_would_break_the_layout(device_id, kind):
    with pytest.raises(ValueError):
        topic(device_id, kind)


@pytest.mark.parametrize("name", ["home/kitchen", "home//readings", "house/kitchen/readings",
                                  "home/kitchen/readings/extra", "home/kitchen/reading"])
def test_parse_topic_gives_none_for_other_topics(name):
    assert parse_topic(name) is None


# -- the bridge, end to end --------------------------------------------------------------


def test_bridge_end_to_end(broker):
    """Readings published once or twice are stored once; a command goes out and comes back done."""
    with running_hub(ADMIN) as hub:
        device_id, key = hub.register("Kitchen")
        bridge = Bridge(broker.host, broker.port, hub.url, {device_id: key}, poll_interval=0.05)
        with bridge, connected(broker.host, broker.port, device_id) as device, \
                httpx.Client(base_url=hub.url) as http:
            commands = subscribe(device, broker, topic(device_id, "commands"))

            statuses = []
            for seq, value in [(1, 20.5), (2, 20.6), (2, 20.6), (3, 20.7)]:
                body = {"sensor": "temperature", "value": value, "unit": "C", "seq": seq}
                device.publish(topic(device_id, "readings"), json.dumps(body), qos=1)
                statuses.append(next_event(bridge, "reading")[2])
            assert statuses == [201, 201, 200, 201]
            stored = http.get(f"/api/v1/devices/{device_id}/readings").json()["readings"]
            assert sorted(r["seq"] for r in stored) == [1, 2, 3]

            queued = http.post(f"/api/v1/devices/{device_id}/commands",
                               json={"name": "led", "value": "on"},
                               headers={"Authorization": f"Bearer {ADMIN}"}).json()
            message = commands.get(timeout=5)
            assert message.topic == f"home/{device_id}/commands" and message.qos == 1
            command = json.loads(message.payload)
            assert command == {"id": queued["id"], "name": "led", "value": "on"}

            ack = {"id": command["id"], "status": "done", "detail": "OK LED ON"}
            device.publish(topic(device_id, "acks"), json.dumps(ack), qos=1)
            assert next_event(bridge, "ack")[1:] == (device_id, 200)
            every = http.get(f"/api/v1/devices/{device_id}/commands?status=all",
                             headers={"X-API-Key": key}).json()["commands"]
            assert [(c["status"], c["detail"]) for c in every] == [("done", "OK LED ON")]

            device.publish(topic(device_id, "acks"), json.dumps(ack), qos=1)  # a QoS 1 copy
            assert next_event(bridge, "ack")[2] == 409
            with pytest.raises(queue.Empty):  # relayed once, though it polls all the time
                commands.get(timeout=0.3)


def test_bridge_survives_what_strangers_and_broken_devices_send(broker):
    with running_hub(ADMIN) as hub:
        device_id, key = hub.register("Kitchen")
        with Bridge(broker.host, broker.port, hub.url, {device_id: key},
                    poll_interval=None) as bridge, \
                connected(broker.host, broker.port, "mixed") as client:
            sends = [
                ("home/kitchen/readings", b"temperature=21"),  # not JSON
                ("home/kitchen/readings", b"\xff\xfe"),  # not even text
                ("home/attic/readings", b'{"sensor": "t", "value": 1}'),  # no key for attic
                ("home/kitchen/acks", b'{"status": "done"}'),  # an ack without an id
            ]
            for name, payload in sends:
                client.publish(name, payload, qos=1)
                assert next_event(bridge, name.rsplit("/", 1)[1][:-1])[2] is None, name
            client.publish("home/kitchen/readings", b'{"sensor": "t", "value": "hot"}', qos=1)
            assert next_event(bridge, "reading")[2] == 400
            client.publish("home/kitchen/acks", b'{"id": 99, "status": "done"}', qos=1)
            assert next_event(bridge, "ack")[2] == 404
            client.publish("home/kitchen/readings", b'{"sensor": "t", "value": 1}', qos=1)
            assert next_event(bridge, "reading")[2] == 201


def test_bridge_reports_a_hub_that_is_down_and_goes_on(broker):
    with running_hub(ADMIN) as hub:
        device_id, key = hub.register("Kitchen")
        with Bridge(broker.host, broker.port, hub.url, {device_id: key},
                    poll_interval=None) as bridge, \
                connected(broker.host, broker.port, device_id) as device:
            readings = topic(device_id, "readings")
            with hub.outage():
                device.publish(readings, b'{"sensor": "t", "value": 1, "seq": 1}', qos=1)
                what, _, detail = bridge.events.get(timeout=5)
                assert what == "error" and "ConnectError" in detail
                with pytest.raises(httpx.ConnectError):
                    bridge.poll_once()
            device.publish(readings, b'{"sensor": "t", "value": 2, "seq": 2}', qos=1)
            assert next_event(bridge, "reading")[2] == 201


# -- the bridge as a program, against the real Flask hub -----------------------------------


@pytest.mark.slow
def test_bridge_program_against_the_flask_hub(broker, serve_hub, tmp_path: Path):
    argv = [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", "{port}"]
    url = serve_hub(argv, REPO / "starter" / "flask", env={"HUB_ADMIN_TOKEN": ADMIN})
    admin = {"Authorization": f"Bearer {ADMIN}"}
    created = httpx.post(f"{url}/api/v1/devices", headers=admin,
                         json={"id": "kitchen", "name": "Kitchen", "kind": "arduino-uno"})
    assert created.status_code == 201, created.text
    key = created.json()["api_key"]
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"kitchen": key}))
    log = (tmp_path / "bridge.log").open("w")
    bridge = subprocess.Popen(
        [sys.executable, "-m", "mqttkit", "bridge", "--mqtt", f"{broker.host}:{broker.port}",
         "--hub", url, "--keys", str(keys), "--poll", "0.1"],
        cwd=REPO, env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=log,
        stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: broker.subscribers("home/+/readings"), "the bridge to subscribe", 30)
        with connected(broker.host, broker.port, "kitchen") as device:
            commands = subscribe(device, broker, "home/kitchen/commands")
            for _ in range(2):  # the second is a copy: stored once
                device.publish("home/kitchen/readings",
                               b'{"sensor": "temperature", "value": 21.5, "seq": 7}', qos=1)

            def stored() -> list:
                return httpx.get(f"{url}/api/v1/devices/kitchen/readings").json()["readings"]

            wait_until(lambda: len(stored()) == 1, "the reading to reach the hub")
            httpx.post(f"{url}/api/v1/devices/kitchen/commands", headers=admin,
                       json={"name": "heater", "value": "on"}).raise_for_status()
            command = json.loads(commands.get(timeout=10).payload)
            assert (command["name"], command["value"]) == ("heater", "on")
            ack = {"id": command["id"], "status": "done", "detail": "OK HEATER ON"}
            device.publish("home/kitchen/acks", json.dumps(ack), qos=1)

            def status() -> str:
                every = httpx.get(f"{url}/api/v1/devices/kitchen/commands?status=all",
                                  headers={"X-API-Key": key}).json()["commands"]
                return every[0]["status"]

            wait_until(lambda: status() == "done", "the command to be done")
        assert len(stored()) == 1
    finally:
        bridge.send_signal(signal.SIGTERM)
        try:
            assert bridge.wait(timeout=10) == 0
        finally:
            if bridge.poll() is None:
                bridge.kill()
                bridge.wait()
            log.close()
    output = (tmp_path / "bridge.log").read_text()
    assert "reading from kitchen -> 201" in output and "reading from kitchen -> 200" in output
    assert "ack from kitchen -> 200" in output
