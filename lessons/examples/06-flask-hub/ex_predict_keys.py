"""Exercise: who may post to the kitchen's readings? The finished hub's answers."""

from lesson_hub import ADMIN, finished_hub, show


def register(hub, device_id):
    """Register a device as the admin; return the X-API-Key header with its key."""
    body = {"id": device_id, "name": device_id.title(), "kind": "arduino-uno"}
    created = hub.post("/api/v1/devices", json=body, headers=ADMIN)
    return {"X-API-Key": created.json()["api_key"]}


reading = {"sensor": "temperature", "value": 21.5}
with finished_hub() as hub:
    kitchen, garage = register(hub, "kitchen"), register(hub, "garage")
    show(hub.post("/api/v1/devices/kitchen/readings", json=reading))  # 1. no key
    show(hub.post("/api/v1/devices/kitchen/readings", json=reading,  # 2. a made-up key
                  headers={"X-API-Key": "let-me-in"}))
    show(hub.post("/api/v1/devices/kitchen/readings", json=reading, headers=garage))  # 3.
    show(hub.post("/api/v1/devices/attic/readings", json=reading, headers=kitchen))  # 4.
    show(hub.post("/api/v1/devices/kitchen/readings", json=reading, headers=ADMIN))  # 5.
    show(hub.post("/api/v1/devices/kitchen/readings", json=reading, headers=kitchen))  # 6.
