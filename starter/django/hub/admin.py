"""The admin site for devices, readings and commands: filters, search, the latest readings.

A device's key hash is never shown: it is not a field of any form or list here. The model
already keeps it out of every form (`editable=False`); `exclude` below says so once more,
in the place where someone would add it back.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from .models import Command, Device, Reading

LATEST_SHOWN = 20


# --8<-- [start:inline]
class LatestReadingInline(admin.TabularInline):
    """The device's latest readings, read-only, on its change page."""

    model = Reading
    fields = ["sensor", "value", "unit", "recorded_at", "received_at", "seq"]
    readonly_fields = fields
    ordering = ["-recorded_at", "-id"]
    extra = 0  # no empty rows to fill in
    can_delete = False
    show_change_link = True
    verbose_name_plural = f"latest readings (up to {LATEST_SHOWN})"

    def get_queryset(self, request: HttpRequest):
        """Only the newest LATEST_SHOWN readings of the device being shown."""
        queryset = super().get_queryset(request)
        match = request.resolver_match
        object_id = match.kwargs.get("object_id") if match else None
        newest = queryset.filter(device_id=object_id).order_by("-recorded_at", "-id")
        ids = list(newest.values_list("id", flat=True)[:LATEST_SHOWN])
        return queryset.filter(id__in=ids)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        """Readings come from devices, not from the admin."""
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        """A measurement is kept as it was sent (each row links to its page: "View")."""
        return False
# --8<-- [end:inline]


class CommandInline(admin.TabularInline):
    """The device's commands; a new one can be queued here."""

    model = Command
    fields = ["name", "value", "status", "detail", "created_at", "acked_at"]
    readonly_fields = ["status", "detail", "created_at", "acked_at"]
    ordering = ["-created_at", "-id"]
    extra = 0


# --8<-- [start:device-admin]
@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    """Devices: search by id or name, filter by kind; the key hash is never shown."""

    list_display = ["id", "name", "kind", "created_at", "last_seen_at"]
    list_filter = ["kind"]
    search_fields = ["id", "name"]
    search_help_text = "Search by the device's id or name (a part of it is enough)."
    # --8<-- [end:device-admin]
    # --8<-- [start:device-page]
    exclude = ["api_key_hash"]  # never on a page: see the module's docstring
    readonly_fields = ["created_at", "last_seen_at", "all_readings"]
    inlines = [LatestReadingInline, CommandInline]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        """The id is the primary key: set once, when the device is added."""
        return [*self.readonly_fields, "id"] if obj else self.readonly_fields
    # --8<-- [end:device-page]

    # --8<-- [start:all-readings]
    @admin.display(description="readings")
    def all_readings(self, device: Device) -> str:
        """A link to the list of every reading of the device (the inline shows the latest)."""
        if not device.pk:  # a device being added has no readings yet
            return "-"
        url = reverse("admin:hub_reading_changelist")
        query = urlencode({"device__id__exact": device.pk})
        return format_html('<a href="{}?{}">All {} readings</a>', url, query,
                           device.readings.count())
    # --8<-- [end:all-readings]

    # --8<-- [start:save-model]
    def save_model(self, request: HttpRequest, obj: Device, form, change: bool) -> None:
        """A device added here gets a key; the message shows it once, as the API would."""
        if not change:
            api_key = obj.set_new_api_key()
            self.message_user(request, f"The API key of {obj.id} (shown only now): {api_key}")
        super().save_model(request, obj, form, change)
    # --8<-- [end:save-model]


# --8<-- [start:reading-admin]
@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    """Readings: filter by sensor and device, browse by date; look and delete, never edit."""

    list_display = ["id", "device", "sensor", "value", "unit", "recorded_at", "seq"]
    ordering = ["-recorded_at", "-id"]
    list_filter = ["sensor", "device"]
    search_fields = ["device__id", "sensor"]
    date_hierarchy = "recorded_at"
    list_select_related = ["device"]
    readonly_fields = ["received_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Readings come from devices, through the API."""
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        """A measurement is kept as it was sent: a wrong one is deleted, not edited."""
        return False
# --8<-- [end:reading-admin]


@admin.register(Command)
class CommandAdmin(admin.ModelAdmin):
    """Commands: filter by status and device."""

    list_display = ["id", "device", "name", "value", "status", "created_at", "acked_at"]
    list_filter = ["status", "device"]
    search_fields = ["device__id", "name", "value"]
    list_select_related = ["device"]
    readonly_fields = ["created_at", "acked_at"]
