"""Helpers shared by the project's own tests: a free port and a hub served for real."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
_THIS = sys.modules[__name__]


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Let the top-level test modules `from conftest import ...` these helpers.

    Every conftest.py outside a package is imported as the module `conftest`, so the last one
    loaded (tests/grader/, tests/simulators/) would answer; point the name back at this one
    just before a module of tests/ itself is imported.
    """
    if isinstance(collector, pytest.Module) and collector.path.parent == Path(__file__).parent:
        sys.modules["conftest"] = _THIS


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(
    base_url: str, server: subprocess.Popen, log: Path | None = None, timeout: float = 30.0
) -> None:
    """Wait until GET /api/v1/health answers 200; fail with the server's output if it dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output = log.read_text(errors="replace") if log else (server.communicate()[0] or "")
            pytest.fail(f"the hub exited with {server.returncode} before serving:\n{output}")
        try:
            if httpx.get(f"{base_url}/api/v1/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the hub did not answer {base_url}/api/v1/health within {timeout} s")


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


def run_pytest(
    args: list[str], *, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """Run pytest in a child process from the repository root; return what it printed."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        text=True,
        capture_output=True,
        timeout=timeout,
    )
