"""The contract's paths, without trailing slashes, under /api/v1/ (see config.urls)."""

from __future__ import annotations

from django.urls import path, register_converter

from . import views


class SlugConverter:
    """A device id in a path: 1 to 64 lowercase letters, digits, `-` and `_`."""

    regex = "[a-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        """As is."""
        return value

    def to_url(self, value: str) -> str:
        """As is."""
        return value


class CommandIdConverter:
    """A command id in a path: a whole number the database's 64-bit id column can hold."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        """The id as an int; ValueError (Django: the path does not match) when it is too large."""
        number = int(value)
        if number > 2**63 - 1:
            raise ValueError(f"{value} is larger than any command id")
        return number

    def to_url(self, value: int) -> str:
        """As digits."""
        return str(value)


register_converter(SlugConverter, "device")
register_converter(CommandIdConverter, "command")

# --8<-- [start:hub-urlpatterns]
app_name = "hub"
urlpatterns = [
    path("health", views.HealthView.as_view(), name="health"),
    path("devices", views.DeviceListView.as_view(), name="device-list"),
    path("devices/<device:device_id>", views.DeviceDetailView.as_view(), name="device-detail"),
    path(
        "devices/<device:device_id>/readings",
        views.ReadingListView.as_view(),
        name="reading-list",
    ),
    path(
        "devices/<device:device_id>/readings/latest",
        views.LatestReadingsView.as_view(),
        name="reading-latest",
    ),
    path(
        "devices/<device:device_id>/readings/stats",
        views.ReadingStatsView.as_view(),
        name="reading-stats",
    ),
    path(
        "devices/<device:device_id>/commands",
        views.CommandListView.as_view(),
        name="command-list",
    ),
    path(
        "devices/<device:device_id>/commands/<command:command_id>/ack",
        views.CommandAckView.as_view(),
        name="command-ack",
    ),
]
# --8<-- [end:hub-urlpatterns]
