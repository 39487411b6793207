"""``/api/v1/devices/<id>/commands``: the hub tells a device what to do.

A device usually sits behind a home router, so the hub cannot call it. Instead an admin
*queues* a command, the device *polls* for its pending commands, carries them out, and
*acknowledges* each one as ``done`` or ``failed``. An acknowledgement is final: a second
one is a 409 conflict.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from .auth import check_admin_token, check_device_key, find_device
from .checks import ack_problems, command_problems, read_json, refuse
from .errors import APIError
from .store import get_store, iso, now

bp = Blueprint("commands", __name__, url_prefix="/api/v1/devices/<device_id>/commands")

STATUSES = ("pending", "done", "failed", "all")


@bp.post("")
def queue_command(device_id: str) -> Any:
    """Queue a command for a device (admin): 201 with the command, status ``pending``."""
    check_admin_token()
    find_device(device_id)
    data = read_json()
    refuse(command_problems(data))
    store = get_store()
    with store.lock:
        command = {
            "id": store.new_id("command"),
            "device_id": device_id,
            "name": data["name"],
            "value": data["value"],
            "status": "pending",
            "detail": None,
            "created_at": iso(now()),
            "acked_at": None,
        }
        store.commands[command["id"]] = command
    return command, 201


@bp.get("")
def poll_commands(device_id: str) -> Any:
    """The device's commands, oldest first: ``?status=pending`` (the default), done, failed, all."""
    device = check_device_key(device_id)
    status = request.args.get("status", "pending")
    if status not in STATUSES:
        refuse([(["query", "status"], f"Input should be one of {', '.join(STATUSES)}")])
    device["last_seen_at"] = iso(now())  # polling counts as being seen
    commands = [
        command
        for command in get_store().commands.values()
        if command["device_id"] == device_id and status in ("all", command["status"])
    ]
    return {"commands": commands}


@bp.post("/<int:command_id>/ack")
def ack_command(device_id: str, command_id: int) -> Any:
    """Record that the device carried out a command (``done``) or could not (``failed``)."""
    check_device_key(device_id)
    store = get_store()
    command = store.commands.get(command_id)
    if command is None or command["device_id"] != device_id:  # another device's is 404 too
        raise APIError(404, "not_found", f"Device {device_id!r} has no command {command_id}.")
    data = read_json()
    refuse(ack_problems(data))
    with store.lock:
        if command["status"] != "pending":
            message = f"Command {command_id} was acknowledged already ({command['status']})."
            raise APIError(409, "conflict", message)
        command["status"] = data["status"]
        command["detail"] = data.get("detail")
        command["acked_at"] = iso(now())
    return command
