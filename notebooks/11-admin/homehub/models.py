"""Device and Reading: the hub's two main tables, made small.

One difference with the hub (starter/django/hub/models.py) is on purpose: here the key hash
is an ordinary field. The hub's model says `editable=False`, which keeps the field out of
every form; this one does not, so the admin must leave it out by itself.
"""

import hashlib
import secrets

from django.db import models
from django.utils import timezone


def hash_key(api_key):
    """The SHA-256 hex digest stored instead of a device's key."""
    return hashlib.sha256(api_key.encode()).hexdigest()


class Device(models.Model):
    id = models.CharField(primary_key=True, max_length=64)  # a slug such as "kitchen"
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=32)  # "arduino-uno", "raspberry-pi", ...
    api_key_hash = models.CharField(max_length=64, unique=True)  # a secret: never shown
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} ({self.id})"

    def set_new_api_key(self):
        """Give the device a new random key: store its hash, return the key itself."""
        api_key = secrets.token_urlsafe(32)
        self.api_key_hash = hash_key(api_key)
        return api_key

    def has_api_key(self, api_key):
        """Whether `api_key` is the device's key."""
        return secrets.compare_digest(hash_key(api_key), self.api_key_hash)


class Reading(models.Model):
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="readings")
    sensor = models.CharField(max_length=64)
    value = models.FloatField()
    unit = models.CharField(max_length=16, blank=True)
    recorded_at = models.DateTimeField()

    def __str__(self):
        return f"{self.device_id}/{self.sensor} = {self.value}"
