"""Exercise 1: register the garage's Raspberry Pi, then post a humidity reading with its key."""

import httpx
from local_hub import ADMIN_TOKEN, running_hub

admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
garage = {"id": "garage", "name": "Garage", "kind": "raspberry-pi"}

with running_hub() as url, httpx.Client(base_url=url) as hub:
    created = hub.post("/api/v1/devices", json=garage, headers=admin)
    print(created.status_code)
    key = {"X-API-Key": created.json()["api_key"]}

    reading = {"sensor": "humidity", "value": 48, "unit": "%"}
    posted = hub.post("/api/v1/devices/garage/readings", json=reading, headers=key)
    print(posted.status_code, posted.json()["id"])
