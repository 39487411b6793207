"""Reading the body before looking at the status: two errors a beginner meets, and the fix."""

import json

import httpx
from local_hub import ADMIN_TOKEN, running_hub

admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
kitchen = {"id": "kitchen", "name": "Kitchen", "kind": "arduino-uno"}

with running_hub() as url, httpx.Client(base_url=url) as hub:
    response = hub.post("/api/v1/devices", json=kitchen)  # the admin token is missing
    try:
        key = response.json()["api_key"]
    except KeyError as error:
        print(f"{type(error).__name__}: {error}")
    print(response.status_code, response.json())  # the body is an error, not a device

    hub.post("/api/v1/devices", json=kitchen, headers=admin)
    deleted = hub.delete("/api/v1/devices/kitchen", headers=admin)
    try:
        deleted.json()
    except json.JSONDecodeError as error:
        print(f"{deleted.status_code} {type(error).__name__}: {error}")  # 204 has no body

    try:
        response.raise_for_status()  # the fix: look at the status first
    except httpx.HTTPStatusError as error:
        print(f"{type(error).__name__}: {error}".replace(url, "<hub>"))  # the port changes
