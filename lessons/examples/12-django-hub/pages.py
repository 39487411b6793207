"""Reading a device's readings a page at a time: follow the next link until it is null."""

from django_hub import finished_hub
from readings_for_examples import brief, kitchen_with_readings

with finished_hub() as hub:
    url = kitchen_with_readings(hub) + "?sensor=temperature&limit=2"
    while url is not None:
        page = hub.get(url).json()
        print([brief(reading) for reading in page["readings"]])
        print("    next:", page["next"])
        url = page["next"]
