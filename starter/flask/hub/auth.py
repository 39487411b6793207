"""Credentials: the admin token, and each device's own API key.

Two decorators guard the views, in the spirit of the Flask tutorial's ``login_required``:

- ``@admin_required``: the request must carry ``Authorization: Bearer <HUB_ADMIN_TOKEN>``.
- ``@device_key_required``: the URL names a device, and the request must carry that device's
  key in ``X-API-Key``. The view receives ``device`` (a :class:`DeviceKey`: the device's id,
  key hash and ``last_seen_at``) instead of ``device_id``.

A device's key is shown once, when the device is created. The hub keeps only its SHA-256
hash: a stolen database does not give anyone the keys. (A plain, fast hash is enough here
because the keys are long and random; passwords, which people choose, need a slow one.)
Secrets are compared with ``hmac.compare_digest``, which takes the same time however many
leading characters match, so an attacker cannot guess a secret one character at a time.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from flask import current_app, request
from sqlalchemy import select, update

from .db import db
from .errors import APIError
from .models import Device

View = TypeVar("View", bound=Callable[..., Any])

SEEN_PRECISION = timedelta(seconds=1)
"""A device's ``last_seen_at`` is updated at most once a second."""


class DeviceKey(NamedTuple):
    """What a device's own requests need of it: its id, its key's hash, when it was last seen.

    Every request a device makes starts by loading this, so it is a plain row from a Core
    query: about half the cost of loading a whole ``Device`` object through the session.
    """

    id: str
    key_hash: str
    last_seen_at: datetime | None


def generate_key() -> str:
    """Return a new random API key (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    """Return the SHA-256 hex digest of a key: what the database stores instead of the key."""
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


def unauthorized(message: str, scheme: str) -> APIError:
    """Build the 401 error, telling the client which credentials to send."""
    return APIError(401, "unauthorized", message, headers={"WWW-Authenticate": scheme})


def check_admin_token() -> None:
    """Raise 401 unless the request carries ``Authorization: Bearer <HUB_ADMIN_TOKEN>``."""
    ### BEGIN SOLUTION
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    expected = str(current_app.config["HUB_ADMIN_TOKEN"])
    if scheme.lower() != "bearer" or not token:
        raise unauthorized("Send the admin token as 'Authorization: Bearer <token>'.", "Bearer")
    if not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise unauthorized("The admin token is wrong.", "Bearer")
    ### END SOLUTION


def check_device_key(device: DeviceKey) -> None:
    """Raise 401 for a missing or unknown key, 403 for the key of another device."""
    ### BEGIN SOLUTION
    key = request.headers.get("X-API-Key", "")
    if not key:
        raise unauthorized("Send the device's key in the X-API-Key header.", "X-API-Key")
    digest = hash_key(key)
    if hmac.compare_digest(digest, device.key_hash):
        return
    owner = db.session.scalar(select(Device.id).where(Device.key_hash == digest))
    if owner is None:
        raise unauthorized("This API key belongs to no device.", "X-API-Key")
    raise APIError(403, "forbidden", f"This API key belongs to another device, not {device.id!r}.")
    ### END SOLUTION


def load_device_key(device_id: str) -> DeviceKey:
    """Load the id, key hash and ``last_seen_at`` of a device, or raise 404."""
    ### BEGIN SOLUTION
    devices = Device.__table__
    query = select(devices.c.id, devices.c.key_hash, devices.c.last_seen_at)
    row = db.session.execute(query.where(devices.c.id == device_id)).one_or_none()
    if row is None:
        raise APIError(404, "not_found", f"There is no device {device_id!r}.")
    return DeviceKey(*row)
    ### END SOLUTION


def mark_seen(device: DeviceKey, now: datetime) -> None:
    """Set the device's ``last_seen_at``, unless it was set less than a second ago.

    A device posting many readings a second would otherwise rewrite its row on every one of
    them, keeping the database's single write lock longer; to the second is precise enough.
    The caller commits (with the rest of its transaction).
    """
    ### BEGIN SOLUTION
    if device.last_seen_at is not None and now - device.last_seen_at < SEEN_PRECISION:
        return
    devices = Device.__table__
    db.session.execute(update(devices).where(devices.c.id == device.id).values(last_seen_at=now))
    ### END SOLUTION


def get_device_or_404(device_id: str) -> Device:
    """Load a device by id, or raise 404."""
    ### BEGIN SOLUTION
    device = db.session.get(Device, device_id)
    if device is None:
        raise APIError(404, "not_found", f"There is no device {device_id!r}.")
    return device
    ### END SOLUTION


def admin_required(view: View) -> View:
    """Guard a view: only the admin may call it."""

    @functools.wraps(view)
    def wrapped(**kwargs: Any) -> Any:
        check_admin_token()
        return view(**kwargs)

    return wrapped  # type: ignore[return-value]


def device_key_required(view: View) -> View:
    """Guard a view of one device: 404 unknown device, then 401/403 for the key.

    The view is called with ``device=<DeviceKey>`` in place of ``device_id``.
    """

    @functools.wraps(view)
    def wrapped(device_id: str, **kwargs: Any) -> Any:
        device = load_device_key(device_id)
        check_device_key(device)
        return view(device=device, **kwargs)

    return wrapped  # type: ignore[return-value]
