"""Exercise 3: turn every error the hub answers into one clear Python exception."""

import httpx
from local_hub import ADMIN_TOKEN, running_hub


class HubError(Exception):
    """The hub refused a request: the status, and the code and message of its envelope."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def check(response: httpx.Response) -> dict | None:
    """Return the JSON body of a successful response (None if it has none); raise HubError."""
    if response.is_success:
        return response.json() if response.content else None
    error = response.json()["error"]
    raise HubError(response.status_code, error["code"], error["message"])


kitchen = {"id": "kitchen", "name": "Kitchen", "kind": "arduino-uno"}

with running_hub() as url, httpx.Client(base_url=url) as hub:
    print(check(hub.get("/api/v1/health")))
    try:
        check(hub.post("/api/v1/devices", json=kitchen))  # no admin token
    except HubError as error:
        print(f"{type(error).__name__}: {error}")
        print(error.status, error.code)
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    check(hub.post("/api/v1/devices", json=kitchen, headers=admin))
    print(check(hub.delete("/api/v1/devices/kitchen", headers=admin)))  # 204: no body
