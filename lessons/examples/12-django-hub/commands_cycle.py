"""A command's life in the finished hub: queued by the admin, polled and acknowledged."""

from django_hub import ADMIN, finished_hub, show

uno = {"id": "kitchen", "name": "Kitchen Uno", "kind": "arduino-uno"}
with finished_hub() as hub:
    key = {"X-API-Key": hub.post("/api/v1/devices", json=uno, headers=ADMIN).json()["api_key"]}
    url = "/api/v1/devices/kitchen/commands"

    queued = hub.post(url, json={"name": "led", "value": "on"}, headers=ADMIN)
    show(queued)
    print("   ", {k: queued.json()[k] for k in ("id", "name", "value", "status")})
    hub.post(url, json={"name": "led", "value": "off"}, headers=ADMIN)

    pending = hub.get(url, headers=key)  # the device polls
    show(pending)
    print("   ", [(c["id"], c["value"], c["status"]) for c in pending.json()["commands"]])

    done = hub.post(f"{url}/1/ack", json={"status": "done"}, headers=key)
    show(done)
    print("   ", done.json()["status"], "acked:", done.json()["acked_at"] is not None)
    show(hub.post(f"{url}/1/ack", json={"status": "done"}, headers=key))  # once only

    left = hub.get(url, headers=key).json()["commands"]
    print("pending now:", [(c["id"], c["value"]) for c in left])
    every = hub.get(url, params={"status": "all"}, headers=key).json()["commands"]
    print("?status=all:", [(c["id"], c["status"]) for c in every])
