"""Exercise: who may post to the kitchen's readings? The finished Django hub's answers."""

from django_hub import ADMIN, register, show
from rest_framework.test import APIClient

client = APIClient()
kitchen, garage = register(client, "kitchen"), register(client, "garage")
url = "/api/v1/devices/kitchen/readings"
body = {"sensor": "temperature", "value": 21.5, "recorded_at": "2026-11-24T10:00:00+00:00"}
show(client.post(url, body, format="json"))  # 1. no key
show(client.post(url, body, format="json", headers={"X-API-Key": "let-me-in"}))  # 2.
show(client.post(url, body, format="json", headers=garage))  # 3. the garage's key
show(client.post("/api/v1/devices/attic/readings", body, format="json", headers=kitchen))  # 4.
show(client.post(url, body, format="json", headers=ADMIN))  # 5. the admin token
response = client.post(url, body, format="json", headers=kitchen)  # 6. the kitchen's key
print(f"POST {url} -> {response.status_code}")
