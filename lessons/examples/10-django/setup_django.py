"""Start Django for an example: mini_settings.py, the tables, the sample readings."""

import filecmp
import os
from pathlib import Path

import django
from django.core.management import call_command

from sample import DEVICES, READINGS, at

HERE = Path(__file__).resolve().parent
NOTEBOOK_APP = HERE.parents[2] / "notebooks" / "10-django" / "homeapp"


def start(*, migrate=True, readings=True):
    """Set Django up; make the tables (quietly) and store the sample readings unless told not to."""
    check_same_app()
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


def check_same_app():
    """Stop when homeapp/ here and the notebook's homeapp/ differ: the page shows this one."""
    names = ["__init__.py", "apps.py", "models.py", "migrations/__init__.py",
             "migrations/0001_initial.py"]
    _, differ, missing = filecmp.cmpfiles(HERE / "homeapp", NOTEBOOK_APP, names, shallow=False)
    if differ or missing:
        names = ", ".join(differ + missing)
        raise SystemExit(f"homeapp: {names} differ from {NOTEBOOK_APP}; make them the same")
