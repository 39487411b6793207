"""Add a field to a model, then: migrate alone, makemigrations, migrate."""

from django.db.utils import OperationalError

from edited_app import show_file, start_with_field
from sample import at
from show import show_error

# --8<-- [start:line]
# the line added to Reading in homeapp/models.py
NEW_FIELD = "unit = models.CharField(max_length=16, null=True, blank=True)"
# --8<-- [end:line]
start_with_field(NEW_FIELD)

from django.core.management import call_command

from homeapp.models import Device, Reading

# The database as it was before the change: 0001_initial applied, a device stored.
call_command("migrate", verbosity=0)
Device.objects.create(id="kitchen", name="Kitchen")

# --8<-- [start:forgot]
call_command("migrate")  # after a change to models.py, but without makemigrations
try:
    Reading.objects.create(device_id="kitchen", sensor="temperature", value=21.5,
                           unit="°C", recorded_at=at(0))
except OperationalError as error:
    show_error(error)
# --8<-- [end:forgot]
print()

# --8<-- [start:fix]
call_command("makemigrations")  # writes homeapp/migrations/0002_reading_unit.py
show_file("homeapp/migrations/0002_reading_unit.py")
call_command("migrate")  # applies it
reading = Reading.objects.create(device_id="kitchen", sensor="temperature", value=21.5,
                                 unit="°C", recorded_at=at(0))
print(reading, reading.unit)
# --8<-- [end:fix]
