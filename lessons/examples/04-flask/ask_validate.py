"""Send the validating app a reading without value, an empty one, and a good one."""

from validate import app

client = app.test_client()
url = "/api/v1/devices/kitchen/readings"
for body in [{"sensor": "temperature"}, {}, {"sensor": "temperature", "value": 21.5}]:
    response = client.post(url, json=body)
    print(response.status, response.get_json())
