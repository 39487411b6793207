"""Exercise 3: a command published while its device is away, and how it gets there."""

import json
import queue

import httpx

from hubkit import running_hub
from mqttkit import Bridge, connected, running_broker, topic

with running_hub() as hub, running_broker() as broker:
    device_id, key = hub.register("Attic")
    keys = {device_id: key}
    commands_url = f"{hub.url}/api/v1/devices/{device_id}/commands"
    httpx.post(commands_url, json={"name": "lamp", "value": "on"},
               headers={"Authorization": f"Bearer {hub.admin_token}"})

    with Bridge(broker.host, broker.port, hub.url, keys, poll_interval=None) as bridge:
        print("the device is away; the bridge publishes", bridge.poll_once()[device_id])

    inbox = queue.Queue()
    with connected(broker.host, broker.port, device_id) as device:
        device.on_message = lambda client, userdata, message: inbox.put(message.payload)
        device.subscribe(topic(device_id, "commands"), qos=1)
        broker.wait_for_subscriber(topic(device_id, "commands"))
        try:
            inbox.get(timeout=1)
        except queue.Empty:
            print("the device is back, and receives nothing in 1 s")
        pending = httpx.get(commands_url, headers={"X-API-Key": key}).json()["commands"]
        print("the hub still has pending:", [command["id"] for command in pending])

        # --8<-- [start:again]
        with Bridge(broker.host, broker.port, hub.url, keys, poll_interval=None) as bridge:
            print("a new bridge publishes", bridge.poll_once()[device_id])
            command = json.loads(inbox.get(timeout=5))
            print("the device receives", command)
        # --8<-- [end:again]
