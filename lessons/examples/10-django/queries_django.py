"""Queries with Django's ORM: filter, order, count, and only the values."""

from setup_django import start

start()

# --8<-- [start:queries]
from homeapp.models import Reading

temperatures = Reading.objects.filter(device_id="kitchen", sensor="temperature")
for reading in temperatures.order_by("-recorded_at"):  # "-": newest first
    print(f"{reading.recorded_at:%H:%M}", reading.value)
print(temperatures.filter(value__gt=21.6).count(), "above 21.6")
print(list(temperatures.order_by("recorded_at").values_list("value", flat=True)))
print(Reading.objects.filter(device_id="attic").first())
# --8<-- [end:queries]
