"""The finished Django hub answers the mistakes of the mini hub, each in the envelope."""

import json

from django_hub import register
from rest_framework.test import APIClient

client = APIClient()
key = register(client, "kitchen")
url = "/api/v1/devices/kitchen/readings"
answers = [
    client.post(url, {"sensor": "temperature"}, format="json", headers=key),
    client.post(url, "21.5", content_type="text/plain", headers=key),
    client.post(url, '{"sensor": ', content_type="application/json", headers=key),
    client.put(url, {"sensor": "temperature", "value": 21.5}, format="json", headers=key),
    client.get(url + "/"),
]
for response in answers:
    print(response.status_code, json.dumps(response.json()))
