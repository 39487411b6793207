"""Credentials: the admin token, and each device's own API key.

Two decorators guard the views, in the spirit of the Flask tutorial's ``login_required``:

- ``@admin_required``: the request must carry ``Authorization: Bearer <HUB_ADMIN_TOKEN>``
  (:func:`check_admin_token`, stage 1).
- ``@device_key_required``: the URL names a device, and the request must carry that
  device's key in ``X-API-Key`` (:func:`authenticate_device`, stage 2). The view receives
  ``device`` (the :class:`~hub.models.Device`) instead of ``device_id``. A device over
  ``HUB_RATE_LIMIT`` gets 429 (:func:`check_rate_limit`, stage 5; the counting is in
  ``hub/limits.py``).

A device's key is shown once, when the device is created. The hub keeps only its SHA-256
hash (:func:`hash_key`): a stolen database does not give anyone the keys. (A plain, fast
hash is enough here because the keys are long and random; passwords, which people choose,
need a slow one.) Secrets are compared with ``hmac.compare_digest``, which takes the same
time however many leading characters match, so an attacker cannot guess a secret one
character at a time.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, request
from sqlalchemy import select

from .db import db
from .errors import APIError
from .models import Device, get_device_or_404

View = TypeVar("View", bound=Callable[..., Any])


# --8<-- [start:keys]
def generate_key() -> str:
    """Return a new random API key (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    """Return the SHA-256 hex digest of a key: what the database stores instead of the key."""
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()
# --8<-- [end:keys]


def unauthorized(message: str, scheme: str) -> APIError:
    """Build the 401 error, telling the client which credentials to send (``WWW-Authenticate``)."""
    return APIError(401, "unauthorized", message, headers={"WWW-Authenticate": scheme})


# --8<-- [start:check_admin_token]
def check_admin_token() -> None:
    """Raise 401 unless the request carries ``Authorization: Bearer <HUB_ADMIN_TOKEN>``.

    The header is the word ``Bearer``, a space and the token. Anything else (no header,
    another scheme such as ``Basic``, no token, a wrong token) is ``raise unauthorized(...)``
    with the scheme ``"Bearer"``. Compare the token with ``hmac.compare_digest`` (on bytes:
    ``.encode()``), never with ``==``.
    """
    # --8<-- [end:check_admin_token]
    ### BEGIN SOLUTION (stage 1)
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise unauthorized("Send the admin token as 'Authorization: Bearer <token>'.", "Bearer")
    expected = str(current_app.config["HUB_ADMIN_TOKEN"])
    if not hmac.compare_digest(token.encode(), expected.encode()):
        raise unauthorized("The admin token is wrong.", "Bearer")
    ### END SOLUTION


# --8<-- [start:authenticate_device]
def authenticate_device(device_id: str) -> Device:
    """Return the device the URL names, if the request carries its key in ``X-API-Key``.

    The checks come in this order: no such device is 404 (``get_device_or_404``); no key
    (or an empty one) is 401; a key whose hash (``hash_key``) is the device's ``key_hash``
    is the device's own key; a key of no device at all is 401; the key of another device is
    403 ``forbidden``. Compare hashes with ``hmac.compare_digest``.
    """
    # --8<-- [end:authenticate_device]
    ### BEGIN SOLUTION (stage 2)
    device = get_device_or_404(device_id)
    key = request.headers.get("X-API-Key", "")
    if not key:
        raise unauthorized("Send the device's key in the X-API-Key header.", "X-API-Key")
    digest = hash_key(key)
    if hmac.compare_digest(digest, device.key_hash):
        return device
    owner = db.session.scalar(select(Device).where(Device.key_hash == digest))
    if owner is None:
        raise unauthorized("This API key belongs to no device.", "X-API-Key")
    raise APIError(403, "forbidden", f"This API key belongs to another device, not {device.id!r}.")
    ### END SOLUTION


# --8<-- [start:check_rate_limit]
def check_rate_limit(device_id: str) -> None:
    """Count this request of the device; over ``HUB_RATE_LIMIT``, raise 429 ``rate_limited``.

    The app's :class:`RateLimiter` is ``current_app.extensions["hub_rate_limiter"]`` (None
    when the limit is off). Its ``hit(device_id)`` answers the seconds to wait, 0 for "go
    on". The 429 carries the header ``Retry-After`` with those seconds, so a well-behaved
    client knows how long to wait before it tries again.
    """
    # --8<-- [end:check_rate_limit]
    limiter = current_app.extensions.get("hub_rate_limiter")
    if limiter is None:
        return
    ### BEGIN SOLUTION (stage 5, addition) refuse a device over HUB_RATE_LIMIT with 429
    wait = limiter.hit(device_id)
    if wait:
        raise APIError(
            429,
            "rate_limited",
            f"Device {device_id!r} sent more than {limiter.limit} requests in "
            f"{limiter.period} seconds; try again in {wait} seconds.",
            details={"retry_after": wait},
            headers={"Retry-After": str(wait)},
        )
    ### END SOLUTION


# --8<-- [start:admin_required]
def admin_required(view: View) -> View:
    """Guard a view: only the admin may call it (checked before anything else)."""

    @functools.wraps(view)
    def wrapped(**kwargs: Any) -> Any:
        check_admin_token()
        return view(**kwargs)

    return wrapped  # type: ignore[return-value]
# --8<-- [end:admin_required]


# --8<-- [start:device_key_required]
def device_key_required(view: View) -> View:
    """Guard a view of one device: 404 unknown device, then 401/403 for the key, then 429.

    The view is called with ``device=<Device>`` in place of ``device_id``.
    """

    @functools.wraps(view)
    def wrapped(device_id: str, **kwargs: Any) -> Any:
        device = authenticate_device(device_id)
        check_rate_limit(device.id)  # 429 when the device is over HUB_RATE_LIMIT (stage 5)
        return view(device=device, **kwargs)

    return wrapped  # type: ignore[return-value]
# --8<-- [end:device_key_required]
