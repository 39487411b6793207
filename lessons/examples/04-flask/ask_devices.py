"""Ask the devices app for four paths: the URL variables arrive as arguments."""

from devices_app import app

client = app.test_client()
for path in [
    "/api/v1/devices/kitchen",
    "/api/v1/devices/porch",
    "/api/v1/devices/kitchen/readings/7",
    "/api/v1/devices/kitchen/readings/seven",
]:
    response = client.get(path)
    print(path, "->", response.status_code, response.get_json())
