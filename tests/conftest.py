"""Fixtures shared by the project's own top-level tests: a hub served for real."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hubtesting import free_port, wait_for_health


@pytest.fixture
def serve_hub(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """A factory: serve_hub(argv, cwd, env) starts a hub on a free port, returns its base URL.

    argv may use {port}; the server gets a fresh SQLite DATABASE_URL unless env names one,
    and is stopped (terminate, then kill) after the test. Its output goes to a file (a pipe
    nobody reads would fill up and stall the server).
    """
    servers: list[subprocess.Popen] = []
    logs: list = []

    def start(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
        port = free_port()
        full_env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        log = tmp_path / f"server-{port}.log"
        logs.append(log.open("w"))
        server = subprocess.Popen(
            [a.format(port=port) for a in argv],
            cwd=cwd,
            env=full_env,
            stdout=logs[-1],
            stderr=subprocess.STDOUT,
        )
        servers.append(server)
        base_url = f"http://127.0.0.1:{port}"
        wait_for_health(base_url, server, log)
        return base_url

    yield start
    for server in servers:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    for log in logs:
        log.close()
