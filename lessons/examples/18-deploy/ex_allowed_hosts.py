"""Exercise 1: every request answers 400, and the Host header is why."""

import httpx
from deploying import PYTHON, serving

PRODUCTION = {
    "HUB_ENV": "production",
    "DJANGO_SECRET_KEY": "k3y-0f-f1fty-r4nd0m-ch4r4ct3rs-n0t-th1s-0n3-pl34se!",
    "HUB_ADMIN_TOKEN": "Zq7-a-long-random-token-from-secrets",
    "DATABASE_URL": "sqlite://",
    "DJANGO_ALLOWED_HOSTS": "hub.example.org",
}
gunicorn = [PYTHON, "-m", "gunicorn", "config.wsgi:application", "--bind", "127.0.0.1:{port}"]

with serving(gunicorn, "django", **PRODUCTION) as server:
    # --8<-- [start:solution]
    # nginx sends Host: 127.0.0.1:8000 (its proxy_pass address), unless its configuration
    # says proxy_set_header Host $host: then it passes on the name the client asked for.
    for host in ("127.0.0.1:8000", "hub.example.org"):
        answer = httpx.get(f"{server.url}/api/v1/health", headers={"Host": host})
        print(f"Host: {host:16} -> {answer.status_code} {answer.text}")
    # --8<-- [end:solution]
    refused = [line for line in server.log().splitlines() if line.startswith("Invalid HTTP")]
    print("the log says:", refused[-1])
