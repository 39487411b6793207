"""The admin site for devices, readings and commands: filters, search, the latest readings.

A device's key hash is never shown: it is not a field of any form or list here.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import Command, Device, Reading

LATEST_SHOWN = 20


class LatestReadingInline(admin.TabularInline):
    """The device's latest readings, read-only, on its change page."""

    model = Reading
    fields = ["sensor", "value", "unit", "recorded_at", "received_at", "seq"]
    readonly_fields = fields
    ordering = ["-recorded_at", "-id"]
    extra = 0
    max_num = 0  # no "add another" row
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


class CommandInline(admin.TabularInline):
    """The device's commands; a new one can be queued here."""

    model = Command
    fields = ["name", "value", "status", "detail", "created_at", "acked_at"]
    readonly_fields = ["status", "detail", "created_at", "acked_at"]
    ordering = ["-created_at", "-id"]
    extra = 0


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    """Devices: search by id or name, filter by kind; the key hash is never shown."""

    list_display = ["id", "name", "kind", "created_at", "last_seen_at"]
    list_filter = ["kind"]
    search_fields = ["id", "name"]
    exclude = ["api_key_hash"]
    readonly_fields = ["created_at", "last_seen_at"]
    inlines = [LatestReadingInline, CommandInline]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        """The id is the primary key: set once, when the device is added."""
        return [*self.readonly_fields, "id"] if obj else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Device, form, change: bool) -> None:
        """A device added here gets a key; the message shows it once, as the API would."""
        if not change:
            api_key = obj.set_new_api_key()
            self.message_user(request, f"The API key of {obj.id} (shown only now): {api_key}")
        super().save_model(request, obj, form, change)


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    """Readings: filter by sensor and device, browse by date."""

    list_display = ["id", "device", "sensor", "value", "unit", "recorded_at", "seq"]
    ordering = ["-recorded_at", "-id"]
    list_filter = ["sensor", "device"]
    search_fields = ["device__id", "sensor"]
    date_hierarchy = "recorded_at"
    list_select_related = ["device"]
    readonly_fields = ["received_at"]


@admin.register(Command)
class CommandAdmin(admin.ModelAdmin):
    """Commands: filter by status and device."""

    list_display = ["id", "device", "name", "value", "status", "created_at", "acked_at"]
    list_filter = ["status", "device"]
    search_fields = ["device__id", "name", "value"]
    list_select_related = ["device"]
    readonly_fields = ["created_at", "acked_at"]
