"""Five requests the hub refuses, each with its own status code and error code."""

import httpx
from local_hub import ADMIN_TOKEN, running_hub, show

admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
kitchen = {"id": "kitchen", "name": "Kitchen", "kind": "arduino-uno"}

with running_hub() as url, httpx.Client(base_url=url) as hub:
    created = hub.post("/api/v1/devices", json=kitchen, headers=admin)
    key = {"X-API-Key": created.json()["api_key"]}

    show(hub.get("/api/v1/devise"))  # a typo in the path
    show(hub.delete("/api/v1/health"))  # a method this path does not take
    show(hub.post("/api/v1/devices", json=kitchen, headers=admin))  # the same id again
    text = {"sensor": "temperature", "value": "21.5"}  # the number sent as text
    show(hub.post("/api/v1/devices/kitchen/readings", json=text, headers=key))
    broken = '{"sensor": "temperature", "value": 21.5'  # the closing } is missing
    as_json = {**key, "Content-Type": "application/json"}
    show(hub.post("/api/v1/devices/kitchen/readings", content=broken, headers=as_json))
