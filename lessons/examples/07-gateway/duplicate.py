"""A lost answer and a retry: without seq the hub stores a reading twice."""

import httpx
from gateway import post_with_retry

from hubkit import LoseAnswers, running_hub


def no_wait(seconds):
    pass


with running_hub() as hub, httpx.Client(base_url=hub.url) as reader:
    for device, reading in [
        ("kitchen", {"sensor": "temperature", "value": 18.8, "unit": "C"}),
        ("attic", {"sensor": "temperature", "value": 18.8, "unit": "C", "seq": 1}),
    ]:
        print(f"{device}: sends {reading}")
        device_id, key = hub.register(device)
        path = f"/api/v1/devices/{device_id}/readings"
        # a client whose network loses the answer to the first POST
        with httpx.Client(base_url=hub.url, transport=LoseAnswers(1)) as client:
            response = post_with_retry(client, path, reading, {"X-API-Key": key}, sleep=no_wait)
        print("    answer to the retry:", response.status_code)
        values = [r["value"] for r in reader.get(path).json()["readings"]]
        print("    the hub holds:", values)
