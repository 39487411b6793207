"""Exercise: the finished hub's answers to seven questions about readings."""

from django_hub import ADMIN, finished_hub, show
from readings_for_examples import kitchen_with_readings

with finished_hub() as hub:
    url = kitchen_with_readings(hub)
    hub.post("/api/v1/devices", json={"id": "garage", "name": "Garage", "kind": "pi"},
             headers=ADMIN)
    show(hub.get(url, params={"limit": "0"}))  # 1.
    show(hub.get(url, params={"limit": "1000"}))  # 2.
    show(hub.get(url, params={"since": "2025-06-01T12:00:00"}))  # 3.
    show(hub.get(url + "/stats"))  # 4.
    show(hub.get("/api/v1/devices/attic/readings"))  # 5.
    quiet = hub.get("/api/v1/devices/garage/readings/latest")  # 6.
    show(quiet)
    print("   ", quiet.json())
    show(hub.get(url, params={"sensor": "Temperature"}))  # 7.
