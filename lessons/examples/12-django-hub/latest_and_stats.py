"""The latest reading of each sensor, and the statistics of one sensor: the finished hub."""

from django_hub import finished_hub, show
from readings_for_examples import brief, kitchen_with_readings

with finished_hub() as hub:
    url = kitchen_with_readings(hub)
    latest = hub.get(url + "/latest")
    show(latest)
    print("   ", [brief(reading) for reading in latest.json()["readings"]])

    stats = hub.get(url + "/stats", params={"sensor": "temperature"})
    show(stats)
    print("   ", stats.json())
    window = {"sensor": "temperature", "since": "2025-06-01T11:00:00+00:00",
              "until": "2025-06-01T13:00:00+00:00"}
    print("    11:00 to 13:00:", hub.get(url + "/stats", params=window).json())
    print("    no readings:", hub.get(url + "/stats", params={"sensor": "light"}).json())
