"""A status code of your choice: return a tuple (body, status) or (body, status, headers)."""

from flask import Flask, request

app = Flask(__name__)
devices = {}  # device id -> the device


# --8<-- [start:view]
@app.post("/api/v1/devices")
def create_device():
    body = request.json
    device = {"id": body["id"], "name": body["name"]}
    devices[device["id"]] = device
    return device, 201, {"Location": f"/api/v1/devices/{device['id']}"}
# --8<-- [end:view]


# --8<-- [start:ask]
client = app.test_client()
response = client.post("/api/v1/devices", json={"id": "kitchen", "name": "Kitchen"})
print(response.status)
print("Location:", response.headers["Location"])
print(response.get_json())
# --8<-- [end:ask]
