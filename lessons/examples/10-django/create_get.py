"""Store rows with the ORM, then find one with get(): its two errors, and two ways around them."""

from setup_django import start
from show import show_error

start(readings=False)  # the tables exist, and they are empty

# --8<-- [start:create]
from datetime import UTC, datetime

from homeapp.models import Device, Reading

kitchen = Device.objects.create(id="kitchen", name="Kitchen")  # INSERT, at once
Device.objects.create(id="porch", name="Porch")
Reading.objects.create(device=kitchen, sensor="temperature", value=21.5, seq=0,
                       recorded_at=datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
Reading.objects.create(device=kitchen, sensor="temperature", value=21.7, seq=1,
                       recorded_at=datetime(2026, 11, 24, 10, 1, tzinfo=UTC))
print(Device.objects.all())
print(kitchen.readings.all())  # the readings of this device: related_name="readings"
# --8<-- [end:create]
print()

# --8<-- [start:get]
print(Device.objects.get(id="kitchen"))  # exactly one row: the object
try:
    Device.objects.get(id="garage")  # no row
except Device.DoesNotExist as error:
    show_error(error)
try:
    Reading.objects.get(sensor="temperature")  # two rows
except Reading.MultipleObjectsReturned as error:
    show_error(error)
# --8<-- [end:get]
print()

# --8<-- [start:first]
print(Device.objects.filter(id="garage").first())  # the first row, or None
print(Reading.objects.filter(sensor="temperature").order_by("-recorded_at").first())
# --8<-- [end:first]
