"""The fleet against the real hubs: a hub restart loses no reading and duplicates none.

tests/simulators/ checks the fleet against a stand-in; this test runs it against the Flask
and Django reference hubs served for real, stopped and started again on the same port and
database, and then counts what the hub stored through its own public API.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hubtesting import REPO, free_port, wait_for_health

from simulators.fleet import Fleet

TOKEN = "fleet-test-admin-token"

SERVERS = {
    "flask": (REPO / "starter" / "flask", [sys.executable, "-m", "flask", "--app", "wsgi",
                                           "run", "--port", "{port}", "--no-reload"]),
    "django": (REPO / "starter" / "django", [sys.executable, "manage.py", "runserver",
                                             "127.0.0.1:{port}", "--noreload"]),
}


class Hub:
    """One reference hub as a real server that can be stopped and started again."""

    def __init__(self, framework: str, database: Path) -> None:
        self.cwd, self.argv = SERVERS[framework]
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}",
                    "HUB_ADMIN_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
        self.process: subprocess.Popen | None = None
        if framework == "django":
            subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                           cwd=self.cwd, env=self.env, check=True, timeout=120)

    def start(self) -> None:
        """Serve on the same port and database as before."""
        argv = [a.format(port=self.port) for a in self.argv]
        self.process = subprocess.Popen(argv, cwd=self.cwd, env=self.env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        wait_for_health(self.url, self.process)

    def stop(self) -> None:
        """Stop serving (the database stays)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.process = None

    def stored(self, device: str) -> list[dict]:
        """Every reading the hub holds for a device, following the `next` links."""
        readings, url = [], f"/api/v1/devices/{device}/readings?limit=1000"
        with httpx.Client(base_url=self.url, timeout=10) as client:
            while url:
                page = client.get(url).raise_for_status().json()
                readings += page["readings"]
                url = page["next"]
        return readings


@pytest.fixture(params=sorted(SERVERS))
def hub(request, tmp_path) -> Iterator[Hub]:
    """A reference hub served for real on a fixed port, with its own SQLite file."""
    served = Hub(request.param, tmp_path / "hub.sqlite3")
    served.start()
    yield served
    served.stop()


def test_fleet_survives_a_real_hub_restart(hub, tmp_path):
    """Readings queued during the outage arrive after it, each exactly once."""
    with Fleet(hub.url, TOKEN, devices=3, interval=1.0, duration=60.0, batch=20,
               clock="virtual", seed=11, state=tmp_path / "queue.sqlite") as fleet:
        fleet.register()
        fleet.world.clock.advance(20)
        fleet.collect()
        assert fleet.send()
        before_outage = fleet.summary.acknowledged

        hub.stop()
        fleet.world.clock.advance(20)
        fleet.collect()
        assert not fleet.send()
        assert fleet.outbox.count() > 0

        hub.start()
        fleet._backoff_until = 0.0  # retry now rather than after the back-off
        fleet.world.clock.advance(20)
        fleet.collect()
        assert fleet.send()
        summary = fleet.summary
        still_queued = fleet.outbox.count()
        ids = list(fleet.ids)

    assert summary.acknowledged > before_outage and summary.retried > 0
    assert summary.lost == 0 and still_queued == 0
    stored = {device: hub.stored(device) for device in ids}
    assert sum(len(r) for r in stored.values()) == summary.generated
    for device, readings in stored.items():
        seqs = [r["seq"] for r in readings]
        assert sorted(seqs) == list(range(len(seqs))), f"{device}: a seq is missing or doubled"
