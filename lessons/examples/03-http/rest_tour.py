"""A tour of the hub's resources: register a device, read it, post a reading, delete it."""

import httpx
from local_hub import ADMIN_TOKEN, running_hub, show

admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
kitchen = {"id": "kitchen", "name": "Kitchen", "kind": "arduino-uno"}

with running_hub() as url, httpx.Client(base_url=url) as hub:
    created = hub.post("/api/v1/devices", json=kitchen, headers=admin)
    show(created)
    print("    Location:", created.headers["Location"])
    key = {"X-API-Key": created.json()["api_key"]}  # shown this once, never again

    show(hub.get("/api/v1/devices/kitchen"))

    reading = {"sensor": "temperature", "value": 21.5, "unit": "C"}
    posted = hub.post("/api/v1/devices/kitchen/readings", json=reading, headers=key)
    show(posted)
    print("    the new reading's id:", posted.json()["id"])

    latest = hub.get("/api/v1/devices/kitchen/readings/latest")
    show(latest)
    for each in latest.json()["readings"]:
        print("   ", each["sensor"], each["value"], each["unit"])

    show(hub.delete("/api/v1/devices/kitchen", headers=admin))
    show(hub.get("/api/v1/devices/kitchen"))  # gone
