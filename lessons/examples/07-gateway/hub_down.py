"""A post while the hub is down: httpx raises ConnectError; the reading is lost."""

import httpx

from hubkit import running_hub

reading = {"sensor": "temperature", "value": 18.8, "unit": "C"}

with running_hub() as hub, httpx.Client(base_url=hub.url) as client:
    device_id, key = hub.register("kitchen")
    path = f"/api/v1/devices/{device_id}/readings"
    with hub.outage():  # the hub is down inside this block
        try:
            client.post(path, json=reading, headers={"X-API-Key": key})
        except httpx.ConnectError as error:
            print(f"{type(error).__name__}: {error}")
    # up again: nothing was stored, and the program no longer has the reading
    print("the hub holds", len(client.get(path).json()["readings"]), "readings")
