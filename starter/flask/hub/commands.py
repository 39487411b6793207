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

from .auth import admin_required, device_key_required
from .db import db, utcnow
from .errors import APIError
from .models import Command, Device, get_device_or_404
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


# --8<-- [start:queue_command]
@bp.post("")
@admin_required
def queue_command(device_id: str) -> tuple[dict[str, Any], int]:
    """Queue a command for a device (404 if there is none): 201 with the command, ``pending``.

    The body is a ``CommandCreate`` (``{"name": "led", "value": "on"}``).
    """
    # --8<-- [end:queue_command]
    ### BEGIN SOLUTION (stage 4)
    device = get_device_or_404(device_id)
    data = validate(CommandCreate, read_json())
    command = Command(device_id=device.id, name=data.name, value=data.value, status="pending")
    db.session.add(command)
    db.session.commit()
    return command.to_dict(), 201
    ### END SOLUTION


# --8<-- [start:poll_commands]
@bp.get("")
@device_key_required
def poll_commands(device: Device) -> dict[str, Any]:
    """Answer ``{"commands": [...]}``: the device's commands, oldest first.

    ``query_args(CommandQuery)`` reads ``?status=``: ``pending`` (the default), ``done``,
    ``failed``, or ``all`` for every command. Polling counts as the device being seen: mark
    it seen (``device.mark_seen(...)``) and commit.
    """
    # --8<-- [end:poll_commands]
    ### BEGIN SOLUTION (stage 4)
    args = query_args(CommandQuery)
    query = select(Command).where(Command.device_id == device.id).order_by(Command.id)
    if args.status != "all":
        query = query.where(Command.status == args.status)
    commands = [command.to_dict() for command in db.session.scalars(query)]
    device.mark_seen(utcnow())
    db.session.commit()
    return {"commands": commands}
    ### END SOLUTION


# --8<-- [start:ack_command]
@bp.post(f"/<int(min=1, max={MAX_SEQ}):command_id>/ack")
@device_key_required
def ack_command(device: Device, command_id: int) -> dict[str, Any]:
    """Record that the device carried out a command (``done``) or could not (``failed``).

    Another device's command is 404, like one that does not exist (``db.one_or_404``). The
    body is a ``CommandAck``. A command acknowledged already is 409 ``conflict``; otherwise
    set its status, detail and ``acked_at``, commit, and answer 200 with the command.
    """
    # --8<-- [end:ack_command]
    ### BEGIN SOLUTION (stage 4)
    query = select(Command).where(Command.id == command_id, Command.device_id == device.id)
    command = db.one_or_404(query, description=f"Device {device.id!r} has no command {command_id}.")
    data = validate(CommandAck, read_json())
    if command.status != "pending":
        message = f"Command {command_id} was acknowledged already ({command.status})."
        raise APIError(409, "conflict", message)
    command.status, command.detail, command.acked_at = data.status, data.detail, utcnow()
    db.session.commit()
    return command.to_dict()
    ### END SOLUTION
