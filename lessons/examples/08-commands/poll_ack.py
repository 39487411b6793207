"""The device polls its pending commands, oldest first, and acknowledges each one once."""

import httpx

from hubkit import running_hub

with running_hub() as hub:
    device_id, key = hub.register("Living room")
    url = f"/api/v1/devices/{device_id}/commands"
    admin = httpx.Client(base_url=hub.url,
                         headers={"Authorization": f"Bearer {hub.admin_token}"})
    device = httpx.Client(base_url=hub.url, headers={"X-API-Key": key})
    with admin, device:  # both clients are closed at the end of the block
        admin.post(url, json={"name": "heater", "value": "on"})
        admin.post(url, json={"name": "servo", "value": "45"})

        # --8<-- [start:poll]
        pending = device.get(url).json()["commands"]  # ?status=pending is the default
        for command in pending:
            print(command["id"], command["name"], command["value"], command["status"])
        # --8<-- [end:poll]

        # --8<-- [start:ack]
        first = pending[0]
        ack = {"status": "done", "detail": "OK HEATER ON"}
        response = device.post(f"{url}/{first['id']}/ack", json=ack)
        print(response.status_code, response.json()["status"], response.json()["detail"])

        print("still pending:", [c["name"] for c in device.get(url).json()["commands"]])

        response = device.post(f"{url}/{first['id']}/ack", json=ack)  # the same ack again
        print(response.status_code, response.json()["error"]["message"])
        # --8<-- [end:ack]
