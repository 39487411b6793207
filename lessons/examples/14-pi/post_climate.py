"""The Pi posts the DHT22's temperature and humidity to a hub, in one batch."""

import httpx
from gpiozero import Device

from hubkit import running_hub
from simulators import DHT22, World

world = World(seed=1, clock="virtual")
Device.pin_factory = world.pi_factory()
dht = DHT22(23)

# --8<-- [start:post]
with running_hub(verbose=True) as hub:  # a hub on this computer, on a free port
    device_id, key = hub.register("Pi living room", kind="raspberry-pi")
    with httpx.Client(base_url=hub.url, headers={"X-API-Key": key}) as client:
        world.clock.advance(2)
        temperature, humidity = dht.temperature, dht.humidity
        batch = {"readings": [
            {"sensor": "temperature", "value": temperature, "unit": "C"},
            {"sensor": "humidity", "value": humidity, "unit": "%"},
        ]}
        response = client.post(f"/api/v1/devices/{device_id}/readings", json=batch)
        response.raise_for_status()
        stored = [(r["sensor"], r["value"]) for r in response.json()["readings"]]
        print(response.status_code, "stored:", stored)
# --8<-- [end:post]
