"""Who is calling: a device with its key (`X-API-Key`), or the admin (`Authorization: Bearer`).

Authentication classes find out who the caller is; permission classes then decide. The
order the contract fixes for device endpoints falls out of that split:

1. DeviceKeyAuthentication looks up the device in the path: unknown → 404.
2. No key → not authenticated → 401 (IsDevice); a key no device has → 401.
3. Another device's key → authenticated as that device, but IsDevice refuses → 403.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .models import Device, hash_key


class DevicePrincipal:
    """The caller, authenticated as a device (DRF's `request.user`)."""

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


def path_and_key_devices(request: Request, api_key: str) -> tuple[Device, Device | None]:
    """The device named by the URL (or 404) and the device `api_key` belongs to, if any.

    A device sending its own key (nearly every request) costs one query: the key's owner,
    found by the key's hash, is the path's device. Otherwise the path's device is looked
    up by id too.
    """
    device_id = request.parser_context["kwargs"]["device_id"]
    owner = None
    if api_key:
        owner = next(iter(Device.objects.filter(api_key_hash=hash_key(api_key)).order_by()), None)
    if owner is not None and owner.pk == device_id:
        return owner, owner
    try:
        return Device.objects.get(pk=device_id), owner
    except Device.DoesNotExist:
        raise exceptions.NotFound(f"There is no device {device_id!r}.") from None


class DeviceKeyAuthentication(BaseAuthentication):
    """`X-API-Key: <key>`: the key of the device in the path (or of another device)."""

    header = "HTTP_X_API_KEY"

    def authenticate(self, request: Request) -> tuple[DevicePrincipal, Device] | None:
        """Return (principal, device the key belongs to); None without a key; 401 if unknown."""
        api_key = request.META.get(self.header, "")
        device, owner = path_and_key_devices(request, api_key)
        request.path_device = device
        if not api_key:
            return None
        if owner is None:
            raise exceptions.AuthenticationFailed("This X-API-Key belongs to no device.")
        return DevicePrincipal(owner), owner

    def authenticate_header(self, request: Request) -> str:
        """The WWW-Authenticate header of a 401: which header to send."""
        return 'APIKey header="X-API-Key"'


class AdminTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <HUB_ADMIN_TOKEN>`, compared in constant time."""

    def authenticate(self, request: Request) -> tuple[AdminPrincipal, None] | None:
        """Return the admin principal; None without a token; 401 for a wrong one."""
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        expected = settings.HUB_ADMIN_TOKEN.encode("utf-8")
        given = token.strip().encode("utf-8", "surrogateescape")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given, expected):
            raise exceptions.AuthenticationFailed("The admin token is wrong.")
        return AdminPrincipal(), None

    def authenticate_header(self, request: Request) -> str:
        """The WWW-Authenticate header of a 401."""
        return 'Bearer realm="hub"'


class IsDevice(BasePermission):
    """Allow the device in the path only; another device's key is a 403."""

    message = "Send this device's key in the X-API-Key header."

    def has_permission(self, request: Request, view) -> bool:
        """401 without a device key, 403 with another device's key."""
        if not isinstance(request.user, DevicePrincipal):
            return False  # DRF turns this into 401 NotAuthenticated
        if request.user.device.pk != request.path_device.pk:
            raise exceptions.PermissionDenied("This key belongs to another device.")
        return True


class IsAdmin(BasePermission):
    """Allow the admin only."""

    message = "Send the admin token: Authorization: Bearer <HUB_ADMIN_TOKEN>."

    def has_permission(self, request: Request, view) -> bool:
        """401 without the admin token."""
        return isinstance(request.user, AdminPrincipal)
