"""JSON in: request.json parses the body, but only when it is sent as JSON."""

from flask import Flask, request

# --8<-- [start:view]
app = Flask(__name__)
readings = {}  # device id -> the list of its readings


@app.post("/api/v1/devices/<device_id>/readings")
def post_reading(device_id):
    body = request.json  # the body, parsed from JSON into a dictionary
    reading = {"device_id": device_id, "sensor": body["sensor"], "value": body["value"]}
    if device_id not in readings:
        readings[device_id] = []
    readings[device_id].append(reading)
    return reading
# --8<-- [end:view]


# --8<-- [start:ask]
client = app.test_client()
url = "/api/v1/devices/kitchen/readings"

response = client.post(url, json={"sensor": "temperature", "value": 21.5})
print(response.status, response.get_json())
print("stored:", readings)

response = client.post(url, data='{"sensor": "temperature", "value": 21.5}')
print(response.status)
print(response.text)

response = client.post(url, data='{"sensor": "temperature", "value": 21.5',
                       content_type="application/json")
print(response.status)
# --8<-- [end:ask]
