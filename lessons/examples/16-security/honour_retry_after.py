"""The gateway of lesson 7 waits as long as a 429 says, then tries again.

The hub allows 2 readings a second, so the page waits only one second.
"""

import sys
import time

import httpx

import hubkit

sys.path.insert(0, "lessons/examples/07-gateway")
from gateway import post_with_retry  # noqa: E402

waited = []  # every wait of the gateway, to print at the end


def sleep_and_note(seconds):
    waited.append(seconds)
    time.sleep(seconds)


with hubkit.running_hub(rate_limit="2/second") as hub:
    device_id, key = hub.register("kitchen")
    path = f"/api/v1/devices/{device_id}/readings"
    with httpx.Client(base_url=hub.url) as client:
        for value in [20.5, 20.6, 20.7]:
            reading = {"sensor": "temperature", "value": value}
            response = post_with_retry(client, path, reading, {"X-API-Key": key},
                                       tries=3, sleep=sleep_and_note)
            print(value, "->", response.status_code)
print("the gateway slept for", waited, "seconds")
