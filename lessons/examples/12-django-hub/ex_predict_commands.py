"""Exercise: the finished hub's answers to six requests about commands."""

from django_hub import ADMIN, finished_hub, register, show

with finished_hub() as hub:
    kitchen, garage = register(hub, "kitchen"), register(hub, "garage")
    led_on = {"name": "led", "value": "on"}
    hub.post("/api/v1/devices/kitchen/commands", json=led_on, headers=ADMIN)  # command 1

    show(hub.post("/api/v1/devices/kitchen/commands", json=led_on, headers=kitchen))  # 1.
    show(hub.get("/api/v1/devices/kitchen/commands", headers=ADMIN))  # 2.
    show(hub.post("/api/v1/devices/garage/commands/1/ack", json={"status": "done"},
                  headers=garage))  # 3.
    show(hub.post("/api/v1/devices/kitchen/commands/1/ack", json={"status": "ok"},
                  headers=kitchen))  # 4.
    show(hub.post("/api/v1/devices/kitchen/commands", json={"name": "led", "value": 1},
                  headers=ADMIN))  # 5.
    show(hub.get("/api/v1/devices/kitchen/commands", params={"status": "done"},
                 headers=kitchen))  # 6.
