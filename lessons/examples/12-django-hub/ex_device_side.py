"""Exercise: the device's side: poll the pending commands, carry each out, acknowledge it."""

import httpx
from django_hub import ADMIN, finished_hub


# --8<-- [start:device]
def carry_out_commands(hub: httpx.Client, device_id: str, key: str) -> None:
    """Fetch this device's pending commands, oldest first; carry out and acknowledge each."""
    headers = {"X-API-Key": key}
    url = f"/api/v1/devices/{device_id}/commands"
    for command in hub.get(url, headers=headers).json()["commands"]:
        if command["name"] == "led":
            print(f"LED {command['value'].upper()}")  # a real device sets its pin here
            ack = {"status": "done"}
        else:
            ack = {"status": "failed", "detail": f"unknown command {command['name']!r}"}
        answer = hub.post(f"{url}/{command['id']}/ack", json=ack, headers=headers)
        print("   ", command["id"], answer.status_code, answer.json()["status"])
# --8<-- [end:device]


uno = {"id": "kitchen", "name": "Kitchen Uno", "kind": "arduino-uno"}
with finished_hub() as hub:
    key = hub.post("/api/v1/devices", json=uno, headers=ADMIN).json()["api_key"]
    for name, value in [("led", "on"), ("buzzer", "beep"), ("led", "off")]:
        hub.post("/api/v1/devices/kitchen/commands", json={"name": name, "value": value},
                 headers=ADMIN)
    carry_out_commands(hub, "kitchen", key)
    carry_out_commands(hub, "kitchen", key)  # nothing is pending any more: no output
