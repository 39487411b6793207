"""A QuerySet is lazy: it runs when you use its rows, not when you write it."""

from sample import at
from setup_django import start
from show import show_sql

start()

# --8<-- [start:lazy]
from homeapp.models import Reading

temperatures = Reading.objects.filter(device_id="kitchen", sensor="temperature")
show_sql(temperatures.query)  # the SQL it stands for; nothing has run yet
# --8<-- [end:lazy]
print()

# --8<-- [start:later]
Reading.objects.create(device_id="kitchen", sensor="temperature", value=23.0, seq=5,
                       recorded_at=at(3))  # stored AFTER the QuerySet was written
print([r.value for r in temperatures])  # the query runs now: 23.0 is in

Reading.objects.create(device_id="kitchen", sensor="temperature", value=23.5, seq=6,
                       recorded_at=at(4))
print([r.value for r in temperatures])  # it ran once: its rows are kept, 23.5 is not in
print([r.value for r in temperatures.all()])  # .all() makes a new QuerySet: it runs again
# --8<-- [end:later]
