"""Helpers for lesson 18's examples: run a hub's commands as a server runs them.

A server starts the hub with nothing but the environment its service gives it. So these
helpers run each command in a child process with a clean environment: only the variables
you pass, plus PATH. That way a variable set in your own terminal cannot hide a mistake.

- ``run(argv, hub, **variables)`` runs a command in a starter's folder and returns what it
  printed (stdout and stderr together);
- ``serving(argv, hub, **variables)`` starts a server (gunicorn) on a free port, waits for
  its health check, yields it (its ``url``, its ``log()``) and stops it at the end;
- ``gunicorn_log(text)`` keeps the errors of gunicorn's log, without times and process ids,
  so it reads the same on every run.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[3]
STARTERS = {"flask": REPO / "starter" / "flask", "django": REPO / "starter" / "django"}
PYTHON = sys.executable  # the course's Python, with gunicorn, Flask and Django installed


def environment(home: str, **variables: str) -> dict[str, str]:
    """A clean environment: PATH, HOME, a UTF-8 locale, and the variables given."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1", **variables}


def run(argv: list[str], hub: str, **variables: str) -> str:
    """Run a command in the hub's folder with only these variables; return all it printed."""
    with tempfile.TemporaryDirectory() as home:
        done = subprocess.run(argv, cwd=STARTERS[hub], env=environment(home, **variables),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=60)
    return done.stdout.replace(str(REPO) + "/", "")


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A server started by ``serving``: its base URL, and what it has printed so far."""

    url: str
    log_file: Path

    def log(self) -> str:
        """What the server printed so far (its log); paths relative to the course folder."""
        return self.log_file.read_text().replace(str(REPO) + "/", "")


@contextlib.contextmanager
def serving(argv: list[str], hub: str, **variables: str) -> Iterator[Server]:
    """Start a server ({port} in argv is a free port); yield it once it answers health."""
    port = free_port()
    with tempfile.TemporaryDirectory() as home, open(Path(home) / "log", "w+") as log:
        server = subprocess.Popen([a.format(port=port) for a in argv], cwd=STARTERS[hub],
                                  env=environment(home, **variables), stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_for_health(base_url, server, log)
            yield Server(base_url, Path(log.name))
        finally:
            server.terminate()
            server.wait(timeout=10)


def wait_for_health(base_url: str, server: subprocess.Popen, log) -> None:
    """Wait until the server answers GET /api/v1/health; fail with its log if it stops."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"the server stopped:\n{log.read()}")
        try:
            httpx.get(f"{base_url}/api/v1/health", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the server did not answer within 30 s")


def gunicorn_log(text: str) -> str:
    """gunicorn's log, cut to what matters: its errors and what the app printed.

    The [INFO] lines go, and so do Python's traceback lines (its last line, the error, stays);
    times and process ids are cut off, so the log reads the same on every run.
    """
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^\[[^]]+\] \[\d+\] ", "", line)  # [2026-01-01 10:00:00 +0000] [4242]
        line = re.sub(r"\bpid:? ?\d+", "pid: N", line)
        if line.startswith(("[INFO]", "[DEBUG]", "Traceback", "  ")):
            continue
        lines.append(line)
    return "\n".join(lines)
