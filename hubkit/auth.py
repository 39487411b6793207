"""Who may do what: the admin token, and each device's own key.

- Managing devices and queuing commands needs ``Authorization: Bearer <admin token>``.
- A device posts readings and polls its commands with ``X-API-Key: <its key>``.

Tokens and keys are compared with :func:`secrets.compare_digest`, which takes as long for a
wrong first character as for a wrong last one, so timing the answers tells an attacker
nothing.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app, request

from .errors import APIError
from .limits import check_rate_limit
from .store import get_store, hash_key


def check_admin_token() -> None:
    """401 unless the request carries the admin token."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise APIError(
            401, "unauthorized", "Send the admin token as 'Authorization: Bearer <token>'."
        )
    if not secrets.compare_digest(token.encode(), current_app.config["HUB_ADMIN_TOKEN"].encode()):
        raise APIError(401, "unauthorized", "The admin token is wrong.")


def find_device(device_id: str) -> dict[str, Any]:
    """The device with this id; 404 when there is none."""
    device = get_store().devices.get(device_id)
    if device is None:
        raise APIError(404, "not_found", f"There is no device {device_id!r}.")
    return device


def check_device_key(device_id: str) -> dict[str, Any]:
    """The device, if the request carries its key: 404, then 401, then 403, then 429."""
    device = find_device(device_id)
    key = request.headers.get("X-API-Key", "")
    if not key:
        raise APIError(401, "unauthorized", "Send the device's key in the X-API-Key header.")
    owner = get_store().key_hashes.get(hash_key(key))
    if owner is None:
        raise APIError(401, "unauthorized", "This API key belongs to no device.")
    if owner != device_id:
        raise APIError(
            403, "forbidden", f"This API key belongs to another device, not {device_id!r}."
        )
    check_rate_limit(device_id)  # 429 when the device is over the hub's rate limit
    return device
