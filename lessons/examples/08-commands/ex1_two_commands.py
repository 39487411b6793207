"""Exercise 1: queue two commands, acknowledge one, and ask the hub what is left."""

import httpx

from hubkit import running_hub

with running_hub() as hub:
    device_id, key = hub.register("Living room")
    url = f"/api/v1/devices/{device_id}/commands"
    admin = httpx.Client(base_url=hub.url,
                         headers={"Authorization": f"Bearer {hub.admin_token}"})
    device = httpx.Client(base_url=hub.url, headers={"X-API-Key": key})
    with admin, device:
        lamp = admin.post(url, json={"name": "lamp", "value": "on"}).json()
        admin.post(url, json={"name": "led", "value": "255"})

        pending = device.get(url).json()["commands"]
        print("pending:", [(c["id"], c["name"], c["value"]) for c in pending])

        ack = {"status": "done", "detail": "OK LAMP ON"}
        device.post(f"{url}/{lamp['id']}/ack", json=ack).raise_for_status()

        for status in ("pending", "done"):
            commands = device.get(url, params={"status": status}).json()["commands"]
            print(f"{status}:", [(c["id"], c["name"], c["value"]) for c in commands])
