"""Hidden: the rate limit covers every device endpoint, stores nothing, and only counts the key."""

from __future__ import annotations

import pytest
from hubcontract import assert_error, expect, post_reading, retry_after_of, use_up


@pytest.mark.stage(5)
@pytest.mark.points(2)
@pytest.mark.hint(
    "The limit counts every request a device makes with its key (readings and commands "
    "alike), and a refused reading is not stored: refuse with 429 before reading the body."
)
def test_the_limit_covers_every_device_endpoint_and_stores_nothing(
    limited_hub, limited_device
):
    device = limited_device()
    use_up(limited_hub, device)
    refused = post_reading(limited_hub, device, 55.5, sensor="refused")
    assert_error(refused, 429, "rate_limited")
    polled = limited_hub.client.get(f"{device.url}/commands", headers=device.headers)
    assert_error(polled, 429, "rate_limited")
    retry_after_of(polled, limited_hub.period)
    stored = expect(limited_hub.client.get(f"{device.url}/readings?sensor=refused"), 200)
    assert stored["readings"] == [], "a reading refused with 429 must not be stored"


@pytest.mark.stage(5)
@pytest.mark.points(2)
@pytest.mark.hint(
    "Count a request only once the device's key was checked: requests without the key, or "
    "with a wrong one, are 401 and must not use up the device's limit (else anyone could "
    "lock a device out)."
)
def test_requests_without_the_key_do_not_use_up_the_limit(limited_hub, limited_device):
    device = limited_device()
    for _ in range(limited_hub.limit + 2):
        no_key = limited_hub.client.post(f"{device.url}/readings", json={"sensor": "t", "value": 1})
        assert_error(no_key, 401, "unauthorized")
        wrong = limited_hub.client.post(
            f"{device.url}/readings", json={"sensor": "t", "value": 1},
            headers={"X-API-Key": "not-the-key"},
        )
        assert_error(wrong, 401, "unauthorized")
    use_up(limited_hub, device)  # the device still has its whole limit
    assert_error(post_reading(limited_hub, device, 99.0), 429, "rate_limited")
