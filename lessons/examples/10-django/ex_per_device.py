"""Exercise: how many readings each device sent, the devices with none included."""

from setup_django import start
from show import show_sql

start()

# --8<-- [start:solution]
from django.db.models import Count

from homeapp.models import Device

devices = Device.objects.annotate(count=Count("readings")).order_by("id")
for device in devices:
    print(device.id, device.count)
show_sql(devices.query)
# --8<-- [end:solution]
