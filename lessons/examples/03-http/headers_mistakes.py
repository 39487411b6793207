"""Three ways to get registering a device wrong, then the right way."""

import json

import httpx
from local_hub import ADMIN_TOKEN, running_hub, show

admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
kitchen = {"id": "kitchen", "name": "Kitchen", "kind": "arduino-uno"}

with running_hub() as url, httpx.Client(base_url=url) as hub:
    print("1. No admin token:")
    show(hub.post("/api/v1/devices", json=kitchen))

    print("2. data= sends the dictionary as a web form, not as JSON:")
    show(hub.post("/api/v1/devices", data=kitchen, headers=admin))

    print("3. JSON text sent with content=, but nobody said it is JSON:")
    show(hub.post("/api/v1/devices", content=json.dumps(kitchen), headers=admin))

    print("The fix: json= writes the body and the Content-Type header for you.")
    created = hub.post("/api/v1/devices", json=kitchen, headers=admin)
    show(created)
    print("    we sent Content-Type:", created.request.headers["Content-Type"])
