"""``/api/v1/devices/<id>/commands``: the hub tells a device what to do.

Devices usually sit behind a home router, so the hub cannot call them. Instead an admin
*queues* a command, the device *polls* for its pending commands every few seconds, carries
them out, and *acknowledges* each one as ``done`` or ``failed``. An acknowledged command is
final: a second acknowledgement is a 409 conflict.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from sqlalchemy import select

from .auth import DeviceKey, admin_required, device_key_required, get_device_or_404, mark_seen
from .db import db, utcnow
from .errors import APIError
from .models import Command
from .schemas import (
    MAX_SEQ,
    CommandAck,
    CommandCreate,
    CommandQuery,
    query_args,
    read_json,
    validate,
)

bp = Blueprint("commands", __name__, url_prefix="/api/v1/devices/<slug:device_id>/commands")


@bp.post("")
@admin_required
def queue_command(device_id: str) -> tuple[dict[str, Any], int]:
    """Queue a command for a device: 201, status ``pending``."""
    ### BEGIN SOLUTION
    device = get_device_or_404(device_id)
    data = validate(CommandCreate, read_json())
    command = Command(device_id=device.id, name=data.name, value=data.value, status="pending")
    db.session.add(command)
    db.session.commit()
    return command.to_dict(), 201
    ### END SOLUTION


@bp.get("")
@device_key_required
def poll_commands(device: DeviceKey) -> dict[str, Any]:
    """List the device's commands (pending ones by default), oldest first."""
    ### BEGIN SOLUTION
    args = query_args(CommandQuery)
    query = select(Command).where(Command.device_id == device.id).order_by(Command.id)
    if args.status != "all":
        query = query.where(Command.status == args.status)
    commands = [command.to_dict() for command in db.session.scalars(query)]
    mark_seen(device, utcnow())
    db.session.commit()
    return {"commands": commands}
    ### END SOLUTION


@bp.post(f"/<int(min=1, max={MAX_SEQ}):command_id>/ack")
@device_key_required
def ack_command(device: DeviceKey, command_id: int) -> dict[str, Any]:
    """Record that the device carried out a command (``done``) or could not (``failed``)."""
    ### BEGIN SOLUTION
    command = db.session.get(Command, command_id)
    if command is None or command.device_id != device.id:
        raise APIError(404, "not_found", f"Device {device.id!r} has no command {command_id}.")
    data = validate(CommandAck, read_json())
    if command.status != "pending":
        raise APIError(
            409, "conflict", f"Command {command_id} was acknowledged already ({command.status})."
        )
    command.status, command.detail, command.acked_at = data.status, data.detail, utcnow()
    db.session.commit()
    return command.to_dict()
    ### END SOLUTION
