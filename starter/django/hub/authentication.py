"""Who is calling: a device with its key (`X-API-Key`), or the admin (`Authorization: Bearer`).

Authentication classes find out who the caller is; permission classes then decide. DRF calls
`authenticate(request)` of the view's authentication class (hub.views.HubView picks it by
method), which answers in one of three ways:

- a pair `(user, auth)`: DRF stores them as `request.user` and `request.auth`;
- `None`: no credentials were sent; the permission class then answers 401;
- an exception: `AuthenticationFailed` for wrong credentials (401), `NotFound` (404), ...

The order the contract fixes for device endpoints falls out of that split:

1. DeviceKeyAuthentication looks up the device in the path first: unknown → 404.
2. No key → None → IsDevice refuses → 401; a key no device has → AuthenticationFailed → 401.
3. Another device's key → authenticated as that device, but IsDevice refuses → 403.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.shortcuts import get_object_or_404
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .models import Device, hash_key


class DevicePrincipal:
    """The caller, authenticated as a device (`request.user`; the device is `request.auth`)."""

    is_authenticated = True

    def __init__(self, device: Device) -> None:
        self.device = device

    def __str__(self) -> str:
        return f"device {self.device.id}"


class AdminPrincipal:
    """The caller, authenticated with the admin token (DRF's `request.user`)."""

    is_authenticated = True

    def __str__(self) -> str:
        return "admin"


# --8<-- [start:device-key-authentication]
class DeviceKeyAuthentication(BaseAuthentication):
    """`X-API-Key: <key>`: the key of the device in the path (or of another device).

    Only a hash of each key is stored (hub.models.hash_key): a key is found by its hash, and
    compared with the path's device in constant time (`Device.has_api_key`).
    """

    def authenticate(self, request: Request) -> tuple[DevicePrincipal, Device] | None:
        """Return (principal, the device the key belongs to); None without a key.

        404 when the path names no device (checked first), 401 for a key no device has.
        """
        # --8<-- [end:device-key-authentication]
        ### BEGIN SOLUTION (stage 2)
        device = get_object_or_404(Device, pk=request.resolver_match.kwargs["device_id"])
        api_key = request.META.get("HTTP_X_API_KEY")
        if not api_key:
            return None
        if device.has_api_key(api_key):
            return DevicePrincipal(device), device
        owner = Device.objects.filter(api_key_hash=hash_key(api_key)).first()
        if owner is None:
            raise exceptions.AuthenticationFailed("This X-API-Key belongs to no device.")
        return DevicePrincipal(owner), owner
        ### END SOLUTION

    def authenticate_header(self, request: Request) -> str:
        """The WWW-Authenticate header of a 401: which header to send."""
        return 'APIKey header="X-API-Key"'


# --8<-- [start:admin-token-authentication]
class AdminTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <HUB_ADMIN_TOKEN>`, compared in constant time."""

    def authenticate(self, request: Request) -> tuple[AdminPrincipal, None] | None:
        """Return the admin principal; None without an Authorization header; 401 for a wrong one."""
        # --8<-- [end:admin-token-authentication]
        ### BEGIN SOLUTION (stage 1)
        header = request.META.get("HTTP_AUTHORIZATION")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        expected = settings.HUB_ADMIN_TOKEN
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), expected.encode()):
            raise exceptions.AuthenticationFailed("The admin token is wrong.")
        return AdminPrincipal(), None
        ### END SOLUTION

    def authenticate_header(self, request: Request) -> str:
        """The WWW-Authenticate header of a 401."""
        return 'Bearer realm="hub"'


# --8<-- [start:is-device]
class IsDevice(BasePermission):
    """Allow the device in the path only; another device's key is a 403."""

    message = "Send this device's key in the X-API-Key header."

    def has_permission(self, request: Request, view) -> bool:
        """401 without a device key, 403 with another device's key."""
        if not isinstance(request.user, DevicePrincipal):
            return False  # HubView.permission_denied turns this into 401 NotAuthenticated
        if request.auth.pk != view.kwargs["device_id"]:
            raise exceptions.PermissionDenied("This key belongs to another device.")
        return True
# --8<-- [end:is-device]


# --8<-- [start:is-admin]
class IsAdmin(BasePermission):
    """Allow the admin only."""

    message = "Send the admin token: Authorization: Bearer <HUB_ADMIN_TOKEN>."

    def has_permission(self, request: Request, view) -> bool:
        """401 without the admin token."""
        return isinstance(request.user, AdminPrincipal)
# --8<-- [end:is-admin]
