"""Register a device with the hub, post a reading with its key, and read it back."""

import os

import httpx

HUB = os.environ.get("HUB_URL", "http://127.0.0.1:5000")
ADMIN = {"Authorization": f"Bearer {os.environ.get('HUB_ADMIN_TOKEN', 'dev-admin-token')}"}

with httpx.Client(base_url=HUB) as hub:
    device = hub.post("/api/v1/devices", headers=ADMIN,
                      json={"id": "kitchen", "name": "Kitchen", "kind": "arduino-uno"})
    device.raise_for_status()
    key = {"X-API-Key": device.json()["api_key"]}  # shown now and never again

    reading = {"sensor": "temperature", "value": 21.5, "unit": "C", "seq": 1}
    print(hub.post("/api/v1/devices/kitchen/readings", headers=key, json=reading).status_code)
    print(hub.post("/api/v1/devices/kitchen/readings", headers=key, json=reading).status_code)
    latest = hub.get("/api/v1/devices/kitchen/readings/latest").json()["readings"]
    print(latest[0]["sensor"], latest[0]["value"])
