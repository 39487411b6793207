"""The Flask hub with stage 5 done answers the same body with 400, not 500."""

import sys
import tempfile

sys.path.insert(0, "starter/flask")
from hub import create_app  # noqa: E402

with tempfile.TemporaryDirectory() as folder:
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder}/hub.sqlite3"})
    client = app.test_client()
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/devices", data=body, content_type="application/json",
                           headers={"Authorization": "Bearer dev-admin-token"})
    print(response.status_code, response.get_json())
