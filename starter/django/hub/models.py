"""The hub's data: a Device posts Readings and receives Commands.

Only a hash of a device's API key is stored (`Device.api_key_hash`); the key itself is shown
once, when the device is created.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

SEEN_PRECISION = timedelta(seconds=1)
"""How often a device's `last_seen_at` is written at most."""
SLUG_PATTERN = r"\A[a-z0-9_-]{1,64}\Z"
validate_slug = RegexValidator(
    SLUG_PATTERN, "Use 1 to 64 lowercase letters, digits, '-' or '_'.", code="invalid_slug"
)


# --8<-- [start:api-keys]
def new_api_key() -> str:
    """A fresh random device key: 43 URL-safe characters (32 random bytes) from `secrets`."""
    return secrets.token_urlsafe(32)


def hash_key(api_key: str) -> str:
    """The SHA-256 hex digest the hub stores instead of a device's key."""
    return hashlib.sha256(api_key.encode("utf-8", "surrogatepass")).hexdigest()
# --8<-- [end:api-keys]


# --8<-- [start:device]
class Device(models.Model):
    """An Arduino, a Raspberry Pi, ...: something that posts readings and runs commands."""

    id = models.CharField(primary_key=True, max_length=64, validators=[validate_slug])
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=32, help_text="e.g. arduino-uno, raspberry-pi")
    api_key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"
    # --8<-- [end:device]

    def set_new_api_key(self) -> str:
        """Give the device a fresh random key; store its hash and return the key itself."""
        api_key = new_api_key()
        self.api_key_hash = hash_key(api_key)
        return api_key

    # --8<-- [start:has-api-key]
    def has_api_key(self, api_key: str) -> bool:
        """Whether `api_key` is this device's key, compared in constant time."""
        return hmac.compare_digest(hash_key(api_key), self.api_key_hash)
    # --8<-- [end:has-api-key]

    # --8<-- [start:mark-seen]
    def mark_seen(self) -> None:
        """Set `last_seen_at` to now and save it, unless it was set less than a second ago.

        A device that posts many readings a second would otherwise rewrite its own row (and
        hold SQLite's one write lock) with every one of them; to the second is precise
        enough to say when the hub last heard from it.
        """
        now = timezone.now()
        if self.last_seen_at is None or now - self.last_seen_at >= SEEN_PRECISION:
            self.last_seen_at = now
            self.save(update_fields=["last_seen_at"])
    # --8<-- [end:mark-seen]


# --8<-- [start:reading]
class Reading(models.Model):
    """One measurement of one sensor of a device."""

    device = models.ForeignKey(
        Device,
        on_delete=models.CASCADE,
        related_name="readings",
        db_index=False,  # the composite indexes below start with the device
    )
    sensor = models.CharField(max_length=64, validators=[validate_slug])
    value = models.FloatField()
    unit = models.CharField(max_length=16, null=True, blank=True)
    recorded_at = models.DateTimeField(help_text="When the device measured it.")
    received_at = models.DateTimeField(default=timezone.now, editable=False)
    seq = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The device's sequence number; stored once."
    )

    class Meta:
        # No default `ordering`: every query of readings says the order it needs (newest
        # first for a page, none for a lookup by seq). A default order is added to every
        # query, and can lead the database to a slower index just to avoid sorting.
        # --8<-- [start:reading-constraints]
        constraints = [
            # A retried (device, seq) is stored once: the hub answers the replay with 200.
            models.UniqueConstraint(fields=["device", "seq"], name="hub_reading_device_seq_uniq"),
        ]
        # --8<-- [end:reading-constraints]
        indexes = [
            # The time-window queries: newest first, for one device, optionally one sensor.
            models.Index(fields=["device", "recorded_at", "id"], name="hub_reading_device_time"),
            # One sensor's readings, newest first (pages, latest per sensor). With `value` at
            # the end it also covers stats: count/min/max/mean are read from the index alone,
            # never from the table (1M readings: ~150 ms → well under 100 ms on SQLite).
            models.Index(
                fields=["device", "sensor", "recorded_at", "id", "value"],
                name="hub_reading_sensor_covering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device_id}/{self.sensor} = {self.value} at {self.recorded_at:%Y-%m-%d %H:%M}"
    # --8<-- [end:reading]


class Command(models.Model):
    """Something the hub asks a device to do, e.g. name "led", value "on"."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        FAILED = "failed"

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="commands", db_index=False
    )
    name = models.CharField(max_length=64, validators=[validate_slug])
    value = models.CharField(max_length=256, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    detail = models.CharField(max_length=500, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    acked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # A device polls its commands of one status, oldest first.
            models.Index(fields=["device", "status", "id"], name="hub_command_device_status"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.value} → {self.device_id} ({self.status})"
