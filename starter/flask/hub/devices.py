"""``/api/v1/devices``: register, list, show and delete devices.

Registering a device is the only time its API key is shown; the database keeps its hash
(see ``auth.py``). Deleting a device deletes its readings and commands with it: the foreign
keys say ``ON DELETE CASCADE``, so the database does it in the same statement.

``create_device`` and ``get_device`` are written for you: read them first, they show the
shape of a view (validate the body, answer 201 with a ``Location``; load a row or 404).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .auth import admin_required, generate_key, hash_key
from .db import db
from .errors import APIError
from .models import Device, get_device_or_404
from .schemas import DeviceCreate, read_json, validate

# --8<-- [start:blueprint]
bp = Blueprint("devices", __name__, url_prefix="/api/v1/devices")
# --8<-- [end:blueprint]


# --8<-- [start:register_device]
def register_device(data: DeviceCreate) -> tuple[Device, str]:
    """Store a new device; return it with its API key. An id that is taken is 409 ``conflict``.

    Make a key with ``generate_key()`` and store only ``hash_key(key)`` as the device's
    ``key_hash``. Add the device to the session and commit: the database refuses a second
    device with the same id (its primary key) with an ``IntegrityError``; roll back and
    raise the 409 then.
    """
    # --8<-- [end:register_device]
    ### BEGIN SOLUTION (stage 1)
    key = generate_key()
    device = Device(id=data.id, name=data.name, kind=data.kind, key_hash=hash_key(key))
    db.session.add(device)
    try:
        db.session.commit()
    except IntegrityError:  # the primary key refuses a second device with this id
        db.session.rollback()
        raise APIError(409, "conflict", f"A device with id {data.id!r} exists already.") from None
    return device, key
    ### END SOLUTION


# --8<-- [start:create_device]
@bp.post("")
@admin_required
def create_device() -> tuple[dict[str, Any], int, dict[str, str]]:
    """Register a device: 201, its URL in Location, and its key (shown only now)."""
    device, key = register_device(validate(DeviceCreate, read_json()))
    location = url_for("devices.get_device", device_id=device.id)
    return {**device.to_dict(), "api_key": key}, 201, {"Location": location}
# --8<-- [end:create_device]


# --8<-- [start:list_devices]
@bp.get("")
def list_devices() -> dict[str, Any]:
    """Answer ``{"devices": [...]}``: every device (``to_dict()``, never a key), ordered by id."""
    # --8<-- [end:list_devices]
    ### BEGIN SOLUTION (stage 1)
    devices = db.session.scalars(select(Device).order_by(Device.id))
    return {"devices": [device.to_dict() for device in devices]}
    ### END SOLUTION


# --8<-- [start:get_device]
@bp.get("/<slug:device_id>")
def get_device(device_id: str) -> dict[str, Any]:
    """Show one device (never its key)."""
    return get_device_or_404(device_id).to_dict()
# --8<-- [end:get_device]


# --8<-- [start:delete_device]
@bp.delete("/<slug:device_id>")
@admin_required
def delete_device(device_id: str) -> tuple[str, int]:
    """Delete a device (404 if there is none): answer 204 with an empty body.

    ``db.session.delete(...)`` then commit; the database deletes its readings and
    commands with it.
    """
    # --8<-- [end:delete_device]
    ### BEGIN SOLUTION (stage 1)
    db.session.delete(get_device_or_404(device_id))
    db.session.commit()
    return "", 204
    ### END SOLUTION
