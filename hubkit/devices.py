"""``/api/v1/devices``: register, list, show and delete devices."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint

from .auth import check_admin_token, find_device
from .checks import device_problems, read_json, refuse
from .errors import APIError
from .store import get_store, hash_key, iso, now

bp = Blueprint("devices", __name__, url_prefix="/api/v1/devices")


@bp.post("")
def create_device() -> Any:
    """Register a device (admin): 201 with the device and its key, shown this once."""
    check_admin_token()
    data = read_json()
    refuse(device_problems(data))
    store = get_store()
    with store.lock:
        if data["id"] in store.devices:
            raise APIError(409, "conflict", f"A device with id {data['id']!r} exists already.")
        device = {
            "id": data["id"],
            "name": data["name"],
            "kind": data["kind"],
            "created_at": iso(now()),
            "last_seen_at": None,
        }
        api_key = secrets.token_urlsafe(32)
        store.devices[device["id"]] = device
        store.key_hashes[hash_key(api_key)] = device["id"]
    location = f"/api/v1/devices/{device['id']}"
    return {**device, "api_key": api_key}, 201, {"Location": location}


@bp.get("")
def list_devices() -> Any:
    """Every device, ordered by id (never their keys)."""
    devices = get_store().devices
    return {"devices": [devices[device_id] for device_id in sorted(devices)]}


@bp.get("/<device_id>")
def get_device(device_id: str) -> Any:
    """One device."""
    return find_device(device_id)


@bp.delete("/<device_id>")
def delete_device(device_id: str) -> Any:
    """Delete a device (admin), with its key, its readings and its commands: 204."""
    check_admin_token()
    store = get_store()
    with store.lock:
        find_device(device_id)
        del store.devices[device_id]
        for hashed in [h for h, owner in store.key_hashes.items() if owner == device_id]:
            del store.key_hashes[hashed]
        store.readings[:] = [r for r in store.readings if r["device_id"] != device_id]
        for seq_key in [k for k in store.by_seq if k[0] == device_id]:
            del store.by_seq[seq_key]
        for command_id in [i for i, c in store.commands.items() if c["device_id"] == device_id]:
            del store.commands[command_id]
    return "", 204
