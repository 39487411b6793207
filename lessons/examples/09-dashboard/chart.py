"""chart_points(): where each reading goes in the SVG picture."""

from datetime import UTC, datetime, timedelta

from dashboard_hub import TEMPERATURES  # first: it makes the hub importable
from hub.dashboard import chart_points
from hub.models import Reading

start = datetime(2026, 1, 12, 7, 0, tzinfo=UTC)
readings = [Reading(sensor="temperature", value=value,
                    recorded_at=start + i * timedelta(minutes=10))
            for i, value in enumerate(TEMPERATURES)]

# --8<-- [start:points]
for reading, (x, y) in zip(readings, chart_points(readings), strict=True):
    print(f"{reading.recorded_at:%H:%M}  {reading.value:4}  ->  x={x:5}  y={y:5}")
# --8<-- [end:points]
