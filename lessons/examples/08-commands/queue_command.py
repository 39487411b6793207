"""The admin queues a command for a device: 201, and the command waits, pending."""

import httpx

from hubkit import running_hub

with running_hub() as hub:
    device_id, key = hub.register("Living room")  # -> "living-room" and its key
    admin_token = {"Authorization": f"Bearer {hub.admin_token}"}
    url = f"/api/v1/devices/{device_id}/commands"

    with httpx.Client(base_url=hub.url, headers=admin_token) as admin:
        response = admin.post(url, json={"name": "heater", "value": "on"})
    print(response.status_code)
    command = response.json()
    for field in ("id", "device_id", "name", "value", "status", "detail", "acked_at"):
        print(f"    {field}: {command[field]!r}")

    # The mistake: queuing with the device's key instead of the admin token
    with httpx.Client(base_url=hub.url, headers={"X-API-Key": key}) as device:
        response = device.post(url, json={"name": "heater", "value": "on"})
    print(response.status_code, response.json()["error"])
