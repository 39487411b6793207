"""A time with its offset in a query string: the + that becomes a space."""

from django_hub import finished_hub, show
from readings_for_examples import kitchen_with_readings

with finished_hub() as hub:
    url = kitchen_with_readings(hub)
    show(hub.get(url + "?since=2025-06-01T12:00:00+00:00"))  # typed into the URL as it is
    show(hub.get(url + "?since=2025-06-01T12:00:00%2B00:00"))  # + written as %2B
    answer = hub.get(url, params={"since": "2025-06-01T12:00:00+00:00"})  # httpx encodes it
    show(answer)
    print("    readings:", len(answer.json()["readings"]))
