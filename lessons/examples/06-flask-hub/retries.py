"""A retry is stored once, and a batch is stored whole or not at all: the finished hub."""

from lesson_hub import ADMIN, finished_hub, show

uno = {"id": "kitchen", "name": "Kitchen Uno", "kind": "arduino-uno"}
with finished_hub() as hub:
    key = {"X-API-Key": hub.post("/api/v1/devices", json=uno, headers=ADMIN).json()["api_key"]}
    url = "/api/v1/devices/kitchen/readings"
    reading = {"sensor": "temperature", "value": 21.5, "seq": 7}

    first = hub.post(url, json=reading, headers=key)
    show(first)
    again = hub.post(url, json=reading, headers=key)  # the answer got lost: send it again
    show(again)
    print("    the same reading:", again.json()["id"] == first.json()["id"])

    batch = {"readings": [reading, {"sensor": "temperature", "value": 21.7, "seq": 8}]}
    mixed = hub.post(url, json=batch, headers=key)
    show(mixed)
    print("    created:", mixed.json()["created"], " replayed:", mixed.json()["replayed"])

    broken = {"readings": [{"sensor": "temperature", "value": 21.9, "seq": 9},
                           {"sensor": "temperature", "value": "hot", "seq": 10}]}
    refused = hub.post(url, json=broken, headers=key)
    show(refused)
    print("    details.index:", refused.json()["error"]["details"]["index"])
    stored = hub.get(url).json()["readings"]
    print("    seqs stored:", sorted(r["seq"] for r in stored))
