"""Exercise 2: six requests; what does the hub answer to each?"""

import httpx
from local_hub import ADMIN_TOKEN, running_hub

admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
kitchen = {"id": "kitchen", "name": "Kitchen", "kind": "arduino-uno"}
garage = {"id": "garage", "name": "Garage", "kind": "raspberry-pi"}
reading = {"sensor": "temperature", "value": 21.5}


def answer(label: str, response: httpx.Response) -> None:
    """Print the label, the status code and, for an error, the envelope's code."""
    if response.is_error:
        print(label, response.status_code, response.json()["error"]["code"])
    else:
        print(label, response.status_code)


with running_hub() as url, httpx.Client(base_url=url) as hub:
    hub.post("/api/v1/devices", json=kitchen, headers=admin)
    created = hub.post("/api/v1/devices", json=garage, headers=admin)
    garage_key = {"X-API-Key": created.json()["api_key"]}
    wrong_token = {"Authorization": "Bearer guess"}

    answer("a.", hub.get("/api/v1/devices/attic"))
    answer("b.", hub.post("/api/v1/devices", json={**kitchen, "id": "Living Room"}, headers=admin))
    answer("c.", hub.post("/api/v1/devices", json=kitchen, headers=wrong_token))
    answer("d.", hub.post("/api/v1/devices/kitchen/readings", json=reading, headers=admin))
    answer("e.", hub.post("/api/v1/devices/kitchen/readings", json=reading, headers=garage_key))
    answer("f.", hub.get("/api/v1/devices/kitchen/readings"))
