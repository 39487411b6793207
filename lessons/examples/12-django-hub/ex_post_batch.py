"""Exercise: post a batch of two readings, each with its seq, as the device (with httpx)."""

from django_hub import ADMIN, finished_hub

uno = {"id": "kitchen", "name": "Kitchen Uno", "kind": "arduino-uno"}
with finished_hub() as hub:  # hub: an httpx.Client, like httpx.Client(base_url=...)
    key = hub.post("/api/v1/devices", json=uno, headers=ADMIN).json()["api_key"]

    # --8<-- [start:post]
    batch = {
        "readings": [
            {"sensor": "temperature", "value": 21.5, "unit": "C", "seq": 1},
            {"sensor": "humidity", "value": 48, "unit": "%", "seq": 2},
        ]
    }
    response = hub.post(
        "/api/v1/devices/kitchen/readings", json=batch, headers={"X-API-Key": key}
    )
    print(response.status_code, response.json()["created"], response.json()["replayed"])
    # --8<-- [end:post]

    again = hub.post(  # the same batch a second time
        "/api/v1/devices/kitchen/readings", json=batch, headers={"X-API-Key": key}
    )
    print(again.status_code, again.json()["created"], again.json()["replayed"])
