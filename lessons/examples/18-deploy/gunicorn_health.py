"""Both hubs behind gunicorn, as on a server: a real HTTP server, two worker processes."""

import tempfile

import httpx
from deploying import PYTHON, serving

# --8<-- [start:commands]
COMMANDS = {  # {port}: a free port, chosen when the example runs (on a server: 8000)
    "flask": ["gunicorn", "wsgi:app", "--workers", "2", "--bind", "127.0.0.1:{port}"],
    "django": ["gunicorn", "config.wsgi:application", "--workers", "2",
               "--bind", "127.0.0.1:{port}"],
}
# --8<-- [end:commands]

with tempfile.TemporaryDirectory() as data:
    for hub, command in COMMANDS.items():
        argv = [PYTHON, "-m", *command]  # python -m gunicorn: the gunicorn of this Python
        database = f"sqlite:///{data}/{hub}.sqlite3"
        if hub == "django":  # Django makes its tables with migrate, before the server starts
            argv = ["sh", "-c", f"{PYTHON} manage.py migrate -v 0 && exec {' '.join(argv)}"]
        with serving(argv, hub, DATABASE_URL=database) as server:
            response = httpx.get(f"{server.url}/api/v1/health")
            print(" ".join(command).replace("{port}", "8000"))
            server_name = response.headers["server"]
            print("  ", response.status_code, response.json(), "server:", server_name)
