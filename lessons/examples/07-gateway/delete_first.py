"""The order matters: remove a reading after the hub has it, never before."""

import httpx
from gateway import enqueue, oldest, open_queue, queued, remove

from hubkit import running_hub

with running_hub() as hub, httpx.Client(base_url=hub.url) as client:
    device_id, key = hub.register("kitchen")
    path = f"/api/v1/devices/{device_id}/readings"
    for order in ("remove, then post", "post, then remove"):
        db = open_queue(":memory:")
        enqueue(db, {"sensor": "temperature", "value": 18.8, "unit": "C"})
        seq, reading = oldest(db)
        with hub.outage():  # the hub is down during this attempt
            try:
                if order == "remove, then post":
                    remove(db, seq)  # the mistake
                client.post(path, json={**reading, "seq": seq}, headers={"X-API-Key": key})
                remove(db, seq)
            except httpx.ConnectError as error:
                print(f"{order}: {type(error).__name__}; still queued: {queued(db)}")
        db.close()
