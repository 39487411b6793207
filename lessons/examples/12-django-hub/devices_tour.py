"""Register, show, list and delete a device in the finished hub, as the admin."""

from django_hub import ADMIN, finished_hub, show

kitchen = {"id": "kitchen", "name": "Kitchen Uno", "kind": "arduino-uno"}

with finished_hub() as hub:
    created = hub.post("/api/v1/devices", json=kitchen, headers=ADMIN)
    show(created)
    print("    Location:", created.headers["Location"])
    print("    fields:", sorted(created.json()))
    print("    api_key:", len(created.json()["api_key"]), "characters, shown this once")

    shown = hub.get("/api/v1/devices/kitchen")
    show(shown)
    print("    fields:", sorted(shown.json()))

    show(hub.post("/api/v1/devices", json=kitchen, headers=ADMIN))  # the same id again
    listed = hub.get("/api/v1/devices")
    show(listed)
    print("    ids:", [device["id"] for device in listed.json()["devices"]])

    show(hub.delete("/api/v1/devices/kitchen", headers=ADMIN))
    show(hub.get("/api/v1/devices/kitchen"))
