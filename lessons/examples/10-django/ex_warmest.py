"""Exercise: the kitchen's warmest temperature reading, and how many readings the porch sent."""

from setup_django import start

start()

# --8<-- [start:solution]
from homeapp.models import Reading

warmest = (
    Reading.objects.filter(device_id="kitchen", sensor="temperature")
    .order_by("-value")  # the highest value first
    .first()
)
print(f"{warmest.recorded_at:%H:%M}", warmest.value)
print(Reading.objects.filter(device_id="porch").count(), "readings from the porch")
# --8<-- [end:solution]
