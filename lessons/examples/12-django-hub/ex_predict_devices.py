"""Exercise: the answers of the finished hub to six requests about devices."""

from django_hub import ADMIN, finished_hub, show

kitchen = {"id": "kitchen", "name": "Kitchen Uno", "kind": "arduino-uno"}

with finished_hub() as hub:
    show(hub.post("/api/v1/devices", json=kitchen))  # 1. no Authorization header
    show(hub.post("/api/v1/devices", json=kitchen,  # 2. the token, but another scheme
                  headers={"Authorization": "Basic lesson-admin-token"}))
    show(hub.post("/api/v1/devices", json=[kitchen], headers=ADMIN))  # 3. a list
    show(hub.post("/api/v1/devices", json=kitchen, headers=ADMIN))  # 4. all good
    show(hub.delete("/api/v1/devices/garage"))  # 5. no token, and no such device
    show(hub.delete("/api/v1/devices/garage", headers=ADMIN))  # 6. the token this time
