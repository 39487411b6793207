"""``/api/v1/devices``: register, list, show and delete devices.

Registering a device is the only time its API key is shown; the database keeps its hash
(see ``auth.py``). Deleting a device deletes its readings and commands with it: the foreign
keys say ``ON DELETE CASCADE``, so the database does it in the same statement.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .auth import admin_required, generate_key, get_device_or_404, hash_key
from .db import db
from .errors import APIError
from .models import Device
from .schemas import DeviceCreate, read_json, validate

bp = Blueprint("devices", __name__, url_prefix="/api/v1/devices")


def register_device(data: DeviceCreate) -> tuple[Device, str]:
    """Store a new device and return it with its key; raise 409 when the id is taken."""
    ### BEGIN SOLUTION
    if db.session.get(Device, data.id) is not None:
        raise conflict(data.id)
    key = generate_key()
    device = Device(id=data.id, name=data.name, kind=data.kind, key_hash=hash_key(key))
    db.session.add(device)
    try:
        db.session.commit()
    except IntegrityError:  # another request registered the same id a moment ago
        db.session.rollback()
        raise conflict(data.id) from None
    return device, key
    ### END SOLUTION


def conflict(device_id: str) -> APIError:
    """Build the 409 for an id that is taken."""
    return APIError(409, "conflict", f"A device with id {device_id!r} exists already.")


@bp.post("")
@admin_required
def create_device() -> tuple[dict[str, Any], int, dict[str, str]]:
    """Register a device: 201, its URL in Location, and its key (shown only now)."""
    ### BEGIN SOLUTION
    device, key = register_device(validate(DeviceCreate, read_json()))
    location = url_for("devices.get_device", device_id=device.id)
    return {**device.to_dict(), "api_key": key}, 201, {"Location": location}
    ### END SOLUTION


@bp.get("")
def list_devices() -> dict[str, Any]:
    """List every device, ordered by id."""
    ### BEGIN SOLUTION
    devices = db.session.scalars(select(Device).order_by(Device.id))
    return {"devices": [device.to_dict() for device in devices]}
    ### END SOLUTION


@bp.get("/<slug:device_id>")
def get_device(device_id: str) -> dict[str, Any]:
    """Show one device (never its key)."""
    ### BEGIN SOLUTION
    return get_device_or_404(device_id).to_dict()
    ### END SOLUTION


@bp.delete("/<slug:device_id>")
@admin_required
def delete_device(device_id: str) -> Response:
    """Delete a device with its readings and commands: 204, no body."""
    ### BEGIN SOLUTION
    db.session.delete(get_device_or_404(device_id))
    db.session.commit()
    return Response(status=204)
    ### END SOLUTION
