"""Aggregates with Django: one answer for many rows (aggregate), or one per group (annotate)."""

from setup_django import start
from show import show_sql

start()

# --8<-- [start:aggregate]
from django.db.models import Avg, Count, Max, Min

from homeapp.models import Reading

temperatures = Reading.objects.filter(device_id="kitchen", sensor="temperature")
print(temperatures.aggregate(count=Count("id"), low=Min("value"), high=Max("value"),
                             mean=Avg("value")))
# --8<-- [end:aggregate]
print()

# --8<-- [start:annotate]
per_sensor = (
    Reading.objects.filter(device_id="kitchen")
    .values("sensor")  # one group per sensor ...
    .annotate(count=Count("id"), mean=Avg("value"))  # ... and these for each group
    .order_by("sensor")
)
for row in per_sensor:
    print(row)
show_sql(per_sensor.query)
# --8<-- [end:annotate]
