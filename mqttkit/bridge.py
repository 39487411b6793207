"""The bridge: devices speak MQTT, the hub speaks HTTP; the bridge carries both ways.

::

    device --MQTT--> home/kitchen/readings --bridge--> POST /api/v1/devices/kitchen/readings
    device <--MQTT-- home/kitchen/commands <--bridge-- GET  /api/v1/devices/kitchen/commands
    device --MQTT--> home/kitchen/acks     --bridge--> POST .../commands/<id>/ack

The bridge holds each device's key (the hub wants it with every request of that device) and
subscribes to the readings and acks of every device (``home/+/readings``, ``home/+/acks``).
Every ``poll_interval`` seconds it asks the hub for each device's pending commands and
publishes the new ones. Each thing it did is put on :attr:`Bridge.events`, a queue a test
(or a curious person) can wait on.

A reading keeps its ``seq``: MQTT's QoS 1 delivers a message *at least* once, so the bridge
may receive the same reading twice, and the hub stores it once because of its ``seq``.
"""

from __future__ import annotations

import json
import queue
import threading
from typing import Any

import httpx
import paho.mqtt.client as mqtt

from .client import TIMEOUT, wait_until

KINDS = ("readings", "commands", "acks", "status")
"""The topics of a device: ``home/<device id>/<kind>``."""


# --8<-- [start:topics]
def topic(device_id: str, kind: str) -> str:
    """The topic of one device's readings, commands, acks or status: home/<device>/<kind>."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if not device_id or any(char in device_id for char in "/+#"):
        raise ValueError(f"a device id cannot be empty or hold / + or #: {device_id!r}")
    return f"home/{device_id}/{kind}"


def parse_topic(name: str) -> tuple[str, str] | None:
    """The device id and the kind of a topic home/<device>/<kind>; None for any other topic."""
    parts = name.split("/")
    if len(parts) != 3 or parts[0] != "home" or not parts[1] or parts[2] not in KINDS:
        return None
    return parts[1], parts[2]
# --8<-- [end:topics]


def decode(payload: bytes) -> Any:
    """A message's payload as JSON; None when it is not JSON (a device's bug, or a stranger)."""
    try:
        return json.loads(payload)
    except ValueError:  # also UnicodeDecodeError
        return None


# --8<-- [start:forward_reading]
def forward_reading(
    hub: httpx.Client, keys: dict[str, str], device_id: str, payload: bytes
) -> int | None:
    """Post a reading (or a batch) that a device published; return the hub's status code.

    None when nothing was posted: the bridge has no key for this device, or the payload
    is not JSON. The reading goes as it came, ``seq`` included, so a copy is stored once.
    """
    key = keys.get(device_id)
    body = decode(payload)
    if key is None or body is None:
        return None
    response = hub.post(
        f"/api/v1/devices/{device_id}/readings", json=body, headers={"X-API-Key": key}
    )
    return response.status_code
# --8<-- [end:forward_reading]


# --8<-- [start:relay_commands]
def relay_commands(
    hub: httpx.Client, client: mqtt.Client, device_id: str, key: str, relayed: set[int]
) -> list[int]:
    """Publish the device's pending commands that were not published yet; return their ids.

    ``relayed`` holds the ids published before: a command stays pending until the device
    acks it, and the bridge must not send it again at every poll.
    """
    response = hub.get(f"/api/v1/devices/{device_id}/commands", headers={"X-API-Key": key})
    response.raise_for_status()
    published = []
    for command in response.json()["commands"]:  # oldest first
        if command["id"] in relayed:
            continue
        message = {"id": command["id"], "name": command["name"], "value": command["value"]}
        client.publish(topic(device_id, "commands"), json.dumps(message), qos=1)
        relayed.add(command["id"])
        published.append(command["id"])
    return published
# --8<-- [end:relay_commands]


# --8<-- [start:forward_ack]
def forward_ack(
    hub: httpx.Client, keys: dict[str, str], device_id: str, payload: bytes
) -> int | None:
    """Tell the hub a device's answer to a command: {"id": 3, "status": "done", "detail": ...}.

    Returns the hub's status code (409 when that command was acked already: a copy of an
    ack that QoS 1 delivered twice), or None when nothing was posted.
    """
    key = keys.get(device_id)
    ack = decode(payload)
    if key is None or not isinstance(ack, dict) or not isinstance(ack.get("id"), int):
        return None
    body = {"status": ack.get("status"), "detail": ack.get("detail")}
    url = f"/api/v1/devices/{device_id}/commands/{ack['id']}/ack"
    return hub.post(url, json=body, headers={"X-API-Key": key}).status_code
# --8<-- [end:forward_ack]


class Bridge:
    """Carry readings and acks from MQTT to the hub, and commands from the hub to MQTT.

    ``keys`` maps each device id to its key. Start it with :meth:`start` (or ``with``):
    it connects, subscribes, and starts polling the hub for commands every
    ``poll_interval`` seconds; :meth:`stop` stops both. With ``poll_interval=None`` it does
    not poll by itself: call :meth:`poll_once` when you want. ``verbose=True`` prints one
    line for each thing it does. ``username``, ``password`` and ``tls=True`` are for a
    broker set up for real (see the lesson's Mosquitto configuration).
    """

    def __init__(
        self,
        mqtt_host: str,
        mqtt_port: int,
        hub_url: str,
        keys: dict[str, str],
        *,
        poll_interval: float | None = 1.0,
        client_id: str = "hub-bridge",
        username: str | None = None,
        password: str | None = None,
        tls: bool = False,
        verbose: bool = False,
    ) -> None:
        self.mqtt_host, self.mqtt_port = mqtt_host, mqtt_port
        self.hub_url = hub_url
        self.keys = dict(keys)
        self.poll_interval = poll_interval
        self.verbose = verbose
        self.events: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self.relayed: dict[str, set[int]] = {device_id: set() for device_id in self.keys}
        self._client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
        self._client.on_connect = self._on_connect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_message = self._on_message
        if username is not None:  # a broker that refuses anonymous clients (Mosquitto's)
            self._client.username_pw_set(username, password)
        if tls:  # encrypt, and check the broker's certificate against the system's CAs
            self._client.tls_set()
        self._subscribed = threading.Event()
        self._refused: str | None = None  # why the broker refused the connection
        self._stopping = threading.Event()
        self._poller: threading.Thread | None = None
        # one HTTP client for each thread that talks to the hub: paho's, and the poller's
        self._hub_for_messages = httpx.Client(base_url=hub_url, timeout=TIMEOUT)
        self._hub_for_commands = httpx.Client(base_url=hub_url, timeout=TIMEOUT)

    # --8<-- [start:callbacks]
    def _on_connect(self, client, userdata, flags, reason_code, properties):
        """Subscribe at each (re)connection: a new connection starts with no subscriptions."""
        if reason_code.is_failure:  # a wrong password, say: the broker said no
            self._refused = str(reason_code)
            return
        client.subscribe([("home/+/readings", 1), ("home/+/acks", 1)])

    def _on_message(self, client, userdata, message):
        """Called in paho's thread for each message. An exception here would stop that
        thread, and with it the bridge, so a failure is reported instead."""
        where = parse_topic(message.topic)
        if where is None:
            return  # not a topic of ours
        device_id, kind = where
        try:
            if kind == "readings":
                status = forward_reading(self._hub_for_messages, self.keys, device_id,
                                         message.payload)
                self._report("reading", device_id, status)
            elif kind == "acks":
                status = forward_ack(self._hub_for_messages, self.keys, device_id,
                                     message.payload)
                self._report("ack", device_id, status)
        except httpx.HTTPError as error:  # the hub is down or too slow
            self._report("error", device_id, f"{type(error).__name__}: {error}")
    # --8<-- [end:callbacks]

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        self._subscribed.set()

    def _report(self, what: str, device_id: str, result: Any) -> None:
        """Queue one thing the bridge did, ``(what, device_id, result)``; print it if verbose."""
        if self.verbose:
            if what == "command":
                line = f"command {result} -> {topic(device_id, 'commands')}"
            elif result is None:
                line = f"{what} from {device_id} -> not posted (not JSON, or no key)"
            else:
                line = f"{what} from {device_id} -> {result}"
            print(f"    [bridge] {line}")
        self.events.put((what, device_id, result))

    def poll_once(self) -> dict[str, list[int]]:
        """Ask the hub for every device's pending commands; publish the new ones.

        Returns the ids of the commands published now, for each device.
        """
        published = {}
        for device_id, key in self.keys.items():
            relayed = self.relayed[device_id]
            ids = relay_commands(self._hub_for_commands, self._client, device_id, key, relayed)
            for command_id in ids:
                self._report("command", device_id, command_id)
            published[device_id] = ids
        return published

    def _poll(self) -> None:
        while not self._stopping.wait(self.poll_interval):
            try:
                self.poll_once()
            except httpx.HTTPError as error:  # the hub is down: try again at the next poll
                self._report("error", "*", f"{type(error).__name__}: {error}")

    def start(self) -> None:
        """Connect to the broker, subscribe, and start polling the hub."""
        self._client.connect(self.mqtt_host, self.mqtt_port)
        self._client.loop_start()
        try:
            wait_until(lambda: self._subscribed.is_set() or self._refused,
                       "the bridge to subscribe")
        finally:
            if not self._subscribed.is_set():
                self._client.loop_stop()
        if self._refused is not None:
            raise ConnectionRefusedError(f"the MQTT broker refused the bridge: {self._refused}")
        if self.poll_interval is not None:
            self._poller = threading.Thread(target=self._poll, name="bridge-poller", daemon=True)
            self._poller.start()

    def stop(self) -> None:
        """Stop polling, disconnect, and close the HTTP clients."""
        self._stopping.set()
        if self._poller is not None:
            self._poller.join()
        self._client.disconnect()
        self._client.loop_stop()
        self._hub_for_messages.close()
        self._hub_for_commands.close()

    def __enter__(self) -> Bridge:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
