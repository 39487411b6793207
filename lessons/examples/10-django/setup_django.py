"""Start Django for an example: mini_settings.py, the tables, the sample readings."""

import os

import django
from django.core.management import call_command

from sample import DEVICES, READINGS, at


def start(*, migrate=True, readings=True):
    """Set Django up; make the tables (quietly) and store the sample readings unless told not to."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mini_settings")
    django.setup()
    if migrate:
        call_command("migrate", verbosity=0)
    if readings:
        store_sample()


def store_sample():
    """Store the devices and readings of sample.py."""
    from homeapp.models import Device, Reading

    for device_id, name in DEVICES:
        Device.objects.create(id=device_id, name=name)
    for device_id, sensor, value, seq, minutes in READINGS:
        Reading.objects.create(device_id=device_id, sensor=sensor, value=value, seq=seq,
                               recorded_at=at(minutes))
