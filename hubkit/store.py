"""Where hubkit keeps its data: dictionaries and lists in memory, one set per app.

The project's hub keeps the same things in a database, in three tables: devices, readings
and commands. Here each row is a dictionary. A lock makes each change happen whole: the
server answers several requests at the same time, one thread each, and two of them must
not both decide that a ``seq`` is new.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app


@dataclass
class Store:
    """Everything the hub knows. Each app has its own (``create_app()`` makes a new one)."""

    devices: dict[str, dict[str, Any]] = field(default_factory=dict)
    """device id -> the device, as the API shows it."""
    key_hashes: dict[str, str] = field(default_factory=dict)
    """hash of an API key -> the id of its device. The keys themselves are never kept."""
    readings: list[dict[str, Any]] = field(default_factory=list)
    """Every reading, in the order they arrived, each with its ``device_id``."""
    by_seq: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    """(device id, seq) -> the reading stored with that seq: how a replay is found."""
    commands: dict[int, dict[str, Any]] = field(default_factory=dict)
    """command id -> the command (ids count up, so this order is oldest first)."""
    last_id: dict[str, int] = field(default_factory=lambda: {"reading": 0, "command": 0})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def new_id(self, kind: str) -> int:
        """The next id of a reading or a command: 1, 2, 3..."""
        self.last_id[kind] += 1
        return self.last_id[kind]


def init_app(app: Flask) -> None:
    """Give ``app`` an empty store."""
    app.extensions["hubkit"] = Store()


def get_store() -> Store:
    """The store of the app that answers the current request."""
    return current_app.extensions["hubkit"]


def hash_key(api_key: str) -> str:
    """The SHA-256 of an API key: what the hub keeps instead of the key."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def now() -> datetime:
    """The time now, in UTC."""
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    """A time as ISO 8601 text in UTC (``2026-11-24T10:00:00+00:00``), or None."""
    return None if moment is None else moment.astimezone(UTC).isoformat()


def public(row: dict[str, Any]) -> dict[str, Any]:
    """A stored reading as the API shows it: without the device it belongs to."""
    return {name: value for name, value in row.items() if name != "device_id"}
