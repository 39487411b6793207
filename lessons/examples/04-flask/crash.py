"""A body without "value": the view raises KeyError and the client gets a 500."""

from flask import Flask, request

app = Flask(__name__)
readings = {}  # device id -> the list of its readings


@app.post("/api/v1/devices/<device_id>/readings")
def post_reading(device_id):
    body = request.json
    reading = {"device_id": device_id, "sensor": body["sensor"], "value": body["value"]}
    if device_id not in readings:
        readings[device_id] = []
    readings[device_id].append(reading)
    return reading, 201


# --8<-- [start:ask]
client = app.test_client()
response = client.post("/api/v1/devices/kitchen/readings", json={"sensor": "temperature"})
print(response.status)
print(response.text)
# --8<-- [end:ask]

# --8<-- [start:testing]
app.testing = True  # let the exception reach the caller instead of becoming a 500 page
try:
    client.post("/api/v1/devices/kitchen/readings", json={"sensor": "temperature"})
except KeyError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:testing]
