"""The rate limit: each device key may make at most HUB_RATE_LIMIT requests per window.

These tests talk to a hub with a limit (the fixture ``limited_hub``: in-process, a hub with
HUB_RATE_LIMIT=5/minute; over HTTP, the limit given with --rate-limit), with devices made by
``limited_device``. Every other test of the suite runs without a limit.
"""

from __future__ import annotations

import pytest
from hubcontract import assert_error, expect, post_reading, retry_after_of, use_up


@pytest.mark.stage(5)
@pytest.mark.points(3)
@pytest.mark.hint(
    "Count each device's requests (after its key was checked). Past HUB_RATE_LIMIT in one "
    "window, answer 429 rate_limited in the envelope with a Retry-After header in whole "
    "seconds (see hub/limits.py or DRF's throttling)."
)
def test_a_device_over_its_limit_gets_429_with_retry_after(limited_hub, limited_device):
    device = limited_device()
    use_up(limited_hub, device)
    response = post_reading(limited_hub, device, 99.0)
    assert_error(response, 429, "rate_limited")
    retry_after_of(response, limited_hub.period)


@pytest.mark.stage(5)
@pytest.mark.points(2)
@pytest.mark.hint(
    "The limit is per device key: one device over its limit must not slow down another. "
    "Key the counts by the device, not one counter for the whole hub."
)
def test_each_device_key_has_its_own_limit(limited_hub, limited_device):
    noisy, quiet = limited_device(), limited_device()
    use_up(limited_hub, noisy)
    assert_error(post_reading(limited_hub, noisy, 99.0), 429, "rate_limited")
    expect(post_reading(limited_hub, quiet, 18.5), 201)
