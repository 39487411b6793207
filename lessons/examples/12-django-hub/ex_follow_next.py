"""Exercise: collect every reading of a sensor by following the next links."""

import httpx
from django_hub import finished_hub
from readings_for_examples import kitchen_with_readings


# --8<-- [start:all]
def all_readings(hub: httpx.Client, url: str, **params: str) -> list[dict]:
    """Every reading of the query at ``url``, page after page, newest first."""
    readings = []
    page = hub.get(url, params=params).json()
    readings.extend(page["readings"])
    while page["next"] is not None:
        page = hub.get(page["next"]).json()  # next keeps the filters and adds the cursor
        readings.extend(page["readings"])
    return readings
# --8<-- [end:all]


with finished_hub() as hub:
    url = kitchen_with_readings(hub)
    found = all_readings(hub, url, sensor="temperature", limit="2")
    print(len(found), [reading["value"] for reading in found])
