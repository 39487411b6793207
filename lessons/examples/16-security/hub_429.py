"""The Flask hub with HUB_RATE_LIMIT=3/minute: the fourth request gets 429."""

import sys
import tempfile

sys.path.insert(0, "starter/flask")
from hub import create_app  # noqa: E402

ADMIN = {"Authorization": "Bearer dev-admin-token"}

with tempfile.TemporaryDirectory() as folder:
    # --8<-- [start:config]
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{folder}/hub.sqlite3",
        "HUB_RATE_LIMIT": "3/minute",
    })
    # --8<-- [end:config]
    client = app.test_client()
    created = client.post("/api/v1/devices", headers=ADMIN,
                          json={"id": "kitchen", "name": "Kitchen", "kind": "arduino-uno"})
    key = {"X-API-Key": created.get_json()["api_key"]}
    for value in [21.0, 21.1, 21.2, 21.3]:
        response = client.post("/api/v1/devices/kitchen/readings", headers=key,
                               json={"sensor": "temperature", "value": value})
        print(response.status_code, "Retry-After:", response.headers.get("Retry-After"))
    print(response.get_json())
    wrong = client.post("/api/v1/devices/kitchen/readings", json={"sensor": "t", "value": 1},
                        headers={"X-API-Key": "a-guess"})
    print("a wrong key:", wrong.status_code, wrong.get_json()["error"]["code"])
