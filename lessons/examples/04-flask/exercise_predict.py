"""Exercise 1: four requests to the devices app; predict each status before you run it."""

from devices_app import app

client = app.test_client()
for method, path in [
    ("GET", "/api/v1/devices/living-room"),
    ("GET", "/api/v1/devices/kitchen/readings/-1"),
    ("GET", "/api/v1/devices/"),
    ("DELETE", "/api/v1/devices/kitchen"),
]:
    response = client.open(path, method=method)
    print(f"{method:6} {path:38} {response.status}")
