"""Serve the baseline and the two hubs the same way: gunicorn, 2 sync workers, SQLite WAL.

`serve(name, tmp)` prepares a fresh database in `tmp` (the same disk for all three),
starts gunicorn on a free loopback port, waits until it answers, creates a device and
yields a `Served` with the URL, the device id and its API key. Stopping sends SIGTERM to
the gunicorn master this module started, and nothing else.
"""

from __future__ import annotations

import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.baseline_wsgi import init_db
from bench.common import ROOT, VENV_BIN, free_port

WORKERS = 2
DEVICE_ID = "bench-room"
HUBS = ("flask", "django")


@dataclass(frozen=True)
class Served:
    """A running server with one registered device."""

    name: str
    url: str
    db_path: Path
    device_id: str
    api_key: str
    admin_token: str
    log_path: Path

    @property
    def readings_url(self) -> str:
        """Where the device posts its readings."""
        return f"{self.url}/api/v1/devices/{self.device_id}/readings"


@dataclass(frozen=True)
class App:
    """How to prepare and serve one of the three servers."""

    chdir: Path
    wsgi: str
    env: Callable[[Path, str], dict[str, str]]
    prepare: Callable[[Path, dict[str, str]], None]


def set_wal(db_path: Path) -> None:
    """Switch the database file to WAL mode (persistent in the file)."""
    with sqlite3.connect(db_path) as db:
        mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    db.close()
    if mode != "wal":
        raise RuntimeError(f"{db_path}: SQLite refused WAL mode ({mode})")


def hub_env(db_path: Path, token: str) -> dict[str, str]:
    """The environment both hubs read: production config, the database, the token."""
    return {
        "HUB_ENV": "production",
        "HUB_ADMIN_TOKEN": token,
        "DATABASE_URL": f"sqlite:///{db_path}",
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def run_python(args: list[str], env: dict[str, str], cwd: Path) -> None:
    """Run a Python command of a hub's set-up; raise with its output when it fails."""
    done = subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed in {cwd}:\n{done.stdout}{done.stderr}")


def prepare_flask(db_path: Path, env: dict[str, str]) -> None:
    """Create the Flask hub's tables through its own app factory."""
    code = "from hub import create_app; create_app()"
    run_python(["-c", code], env, ROOT / "starter" / "flask")


def prepare_django(db_path: Path, env: dict[str, str]) -> None:
    """Create the Django hub's tables with its migrations."""
    run_python(["manage.py", "migrate", "--noinput", "-v", "0"], env, ROOT / "starter" / "django")


APPS: dict[str, App] = {
    "baseline": App(
        chdir=ROOT,
        wsgi="bench.baseline_wsgi:app",
        env=lambda db_path, token: {"BASELINE_DB": str(db_path)},
        prepare=lambda db_path, env: None,
    ),
    "flask": App(ROOT / "starter" / "flask", "wsgi:app", hub_env, prepare_flask),
    "django": App(ROOT / "starter" / "django", "config.wsgi:application", hub_env, prepare_django),
}


def prepare(name: str, tmp: Path) -> tuple[Path, dict[str, str], str]:
    """Create a fresh, WAL-mode database for `name`; return its path, env and admin token."""
    db_path = tmp / f"{name}.sqlite3"
    for leftover in tmp.glob(f"{name}.sqlite3*"):
        leftover.unlink()
    token = secrets.token_urlsafe(24)
    env = APPS[name].env(db_path, token)
    APPS[name].prepare(db_path, env)
    if name == "baseline":
        return db_path, env, token
    set_wal(db_path)
    return db_path, env, token


@contextmanager
def gunicorn(name: str, env: dict[str, str], log_path: Path) -> Iterator[str]:
    """Run `name` under gunicorn until the block ends; yield its base URL."""
    app, port = APPS[name], free_port()
    command = [
        str(VENV_BIN / "gunicorn"),
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(app.chdir),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        "--timeout",
        "60",
        app.wsgi,
    ]
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command,
            env={**os.environ, **env, "PYTHONPATH": pythonpath},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(process, url, log_path)
        yield url
    finally:
        stop(process)


def wait_until_up(process: subprocess.Popen, url: str, log_path: Path, timeout: float = 30) -> None:
    """Poll until the server answers any HTTP request; fail with its log if it dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{tail(log_path)}")
        try:
            httpx.get(f"{url}/api/v1/health", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{tail(log_path)}")


def stop(process: subprocess.Popen) -> None:
    """Stop the gunicorn master we started (it stops its own workers)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tail(path: Path, size: int = 3000) -> str:
    """The end of a log file."""
    return path.read_text(errors="replace")[-size:] if path.exists() else "(no log)"


def create_device(url: str, token: str) -> str:
    """Register the benchmark's device through the hub's API; return its API key."""
    answer = httpx.post(
        f"{url}/api/v1/devices",
        json={"id": DEVICE_ID, "name": "Benchmark room", "kind": "arduino-uno"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    if answer.status_code != 201:
        raise RuntimeError(f"creating the device answered {answer.status_code}: {answer.text}")
    return answer.json()["api_key"]


@contextmanager
def serve(name: str, tmp: Path) -> Iterator[Served]:
    """Prepare a fresh database, serve `name` with gunicorn, register the device."""
    db_path, env, token = prepare(name, tmp)
    log_path = tmp / f"{name}.log"
    if name == "baseline":
        api_key = secrets.token_urlsafe(32)
        init_db(str(db_path), DEVICE_ID, api_key)
    with gunicorn(name, env, log_path) as url:
        if name != "baseline":
            api_key = create_device(url, token)
        yield Served(name, url, db_path, DEVICE_ID, api_key, token, log_path)
