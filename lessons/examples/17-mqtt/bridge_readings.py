"""Readings published over MQTT reach the hub through the bridge; a copy is stored once."""

import json

import httpx

from hubkit import running_hub
from mqttkit import Bridge, connected, running_broker, topic

with running_hub(verbose=True) as hub, running_broker() as broker:
    device_id, key = hub.register("Kitchen")
    keys = {device_id: key}  # the bridge posts for the kitchen with the kitchen's key
    # --8<-- [start:run]
    with (Bridge(broker.host, broker.port, hub.url, keys, poll_interval=None,
                 verbose=True) as bridge,
          connected(broker.host, broker.port, device_id) as kitchen):
        readings = topic(device_id, "readings")
        for seq, value in [(1, 21.5), (2, 21.6), (2, 21.6), (3, 21.8)]:  # seq 2 comes twice
            reading = {"sensor": "temperature", "value": value, "unit": "C", "seq": seq}
            kitchen.publish(readings, json.dumps(reading), qos=1)
            bridge.events.get(timeout=5)  # wait until the bridge has forwarded it
        kitchen.publish(readings, "temperature=21.9", qos=1)  # not JSON
        bridge.events.get(timeout=5)
    # --8<-- [end:run]

    stored = httpx.get(f"{hub.url}/api/v1/devices/{device_id}/readings").json()["readings"]
    print("the hub holds:", [(reading["seq"], reading["value"]) for reading in stored])
