"""Ask the mini APIView with DRF's test client: what works, and DRF's own errors."""

from mini_api import urlpatterns  # noqa: F401  (the URLs of this program: see drf_setup.py)
from rest_framework.test import APIClient

# --8<-- [start:ask]
client = APIClient()
url = "/api/v1/devices/kitchen/readings"


def show(response):
    """Print the status line, then the body (JSON), or what kind of body it is."""
    print(response.status_code, response.reason_phrase)
    if response["Content-Type"] == "application/json":
        print("   ", response.content.decode())
    else:
        print("    a page of", response["Content-Type"])


show(client.post(url, {"sensor": "temperature", "value": 21.5}, format="json"))
show(client.get(url))
show(client.post(url, {"sensor": "temperature"}, format="json"))
show(client.post(url, "21.5", content_type="text/plain"))
show(client.put(url, {"sensor": "temperature", "value": 21.5}, format="json"))
show(client.get("/api/v1/devices/kitchen/readings/"))
# --8<-- [end:ask]
