"""Retry with back-off: the hub is down for a while, then the post gets through."""

import httpx
from gateway import post_with_retry

from hubkit import running_hub

reading = {"sensor": "temperature", "value": 18.8, "unit": "C"}

with running_hub() as hub, httpx.Client(base_url=hub.url) as client:
    device_id, key = hub.register("kitchen")
    path = f"/api/v1/devices/{device_id}/readings"
    waits = []

    def fake_sleep(seconds):
        """Instead of waiting: note the wait, and bring the hub back after the second one."""
        waits.append(seconds)
        if len(waits) == 2:
            hub.up()

    hub.down()
    response = post_with_retry(client, path, reading, {"X-API-Key": key}, sleep=fake_sleep)
    print("answer:", response.status_code, "after waiting", sum(waits), "s in all")

    hub.down()  # down for good this time: every try fails, then the error goes to the caller
    try:
        post_with_retry(client, path, reading, {"X-API-Key": key}, sleep=lambda seconds: None)
    except httpx.ConnectError as error:
        print(f"gave up: {type(error).__name__}: {error}")
