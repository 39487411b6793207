"""The finished Django hub and the admin token: who may register a device?"""

from django_hub import ADMIN, show
from rest_framework.test import APIClient

client = APIClient()
device = {"id": "kitchen", "name": "Kitchen", "kind": "arduino-uno"}
for headers in [{}, {"Authorization": "Bearer let-me-in"}, {"Authorization": "Basic YWRtaW4="}]:
    response = client.post("/api/v1/devices", device, format="json", headers=headers)
    show(response)
    print("    WWW-Authenticate:", response["WWW-Authenticate"])
response = client.post("/api/v1/devices", device, format="json", headers=ADMIN)
print(response.request["REQUEST_METHOD"], response.request["PATH_INFO"], "->",
      response.status_code, "with the fields", sorted(response.json()))
show(client.get("/api/v1/devices/kitchen/readings"))  # reading is public: no credentials
