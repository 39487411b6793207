"""Exercise 3: a dashed line on the chart at the thermostat's target, 19.5 °C."""

from datetime import UTC, datetime, timedelta

from dashboard_hub import TEMPERATURES  # first: it makes the hub importable
from hub.dashboard import CHART_HEIGHT, CHART_MARGIN, CHART_WIDTH, chart_points
from hub.models import Reading

start = datetime(2026, 1, 12, 7, 0, tzinfo=UTC)
readings = [Reading(sensor="temperature", value=value,
                    recorded_at=start + i * timedelta(minutes=10))
            for i, value in enumerate(TEMPERATURES)]


# --8<-- [start:solution]
def target_y(readings, target):
    """The y of a value on the chart, as chart_points() places the readings."""
    values = [reading.value for reading in readings]
    low, high = min(values), max(values)
    up = (target - low) / (high - low)
    return round(CHART_MARGIN + (1 - up) * (CHART_HEIGHT - 2 * CHART_MARGIN), 1)


y = target_y(readings, 19.5)
print(y)
print(f'<line x1="{CHART_MARGIN}" x2="{CHART_WIDTH - CHART_MARGIN}" y1="{y}" y2="{y}" '
      'stroke="#b3261e" stroke-dasharray="6 4"/>')
print(target_y(readings, 18.2) == chart_points(readings)[0][1])  # the lowest reading
# --8<-- [end:solution]
