"""GET /api/v1/devices/{id}/readings/stats: count, min, max, mean of one sensor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hubcontract import API, assert_error, close_to, expect, iso, new_device_id, parse_time

BASE = datetime(2025, 6, 1, 12, tzinfo=UTC)


def at(minutes):
    """BASE plus some minutes, as ISO 8601."""
    return iso(BASE + timedelta(minutes=minutes))


def store(client, device, readings):
    """Post readings as one batch."""
    url = f"{device.url}/readings"
    expect(client.post(url, json={"readings": readings}, headers=device.headers), 201)


@pytest.mark.stage(3)
@pytest.mark.points(3)
@pytest.mark.hint(
    "Compute count, min, max and mean in the database (COUNT, MIN, MAX, AVG) over the "
    "sensor's readings, and give the first and last recorded_at in UTC."
)
def test_stats_of_a_sensor(client, device):
    made = device()
    store(
        client,
        made,
        [{"sensor": "t", "value": v, "recorded_at": at(i)} for i, v in enumerate([4, 1.5, 10])],
    )
    store(client, made, [{"sensor": "other", "value": 1000, "recorded_at": at(5)}])
    body = expect(client.get(f"{made.url}/readings/stats", params={"sensor": "t"}), 200)
    assert (body["sensor"], body["count"]) == ("t", 3)
    assert (
        close_to(body["min"], 1.5)
        and close_to(body["max"], 10)
        and close_to(body["mean"], 15.5 / 3)
    )
    assert parse_time(body["first_recorded_at"]) == BASE
    assert parse_time(body["last_recorded_at"]) == BASE + timedelta(minutes=2)


@pytest.mark.stage(3)
@pytest.mark.points(2)
@pytest.mark.hint(
    "since and until narrow the stats like the readings list: since <= recorded_at < until."
)
def test_stats_in_a_time_window(client, device):
    made = device()
    store(
        client, made, [{"sensor": "t", "value": m, "recorded_at": at(m)} for m in range(0, 50, 10)]
    )
    params = {"sensor": "t", "since": at(10), "until": at(40)}
    body = expect(client.get(f"{made.url}/readings/stats", params=params), 200)
    assert body["count"] == 3 and close_to(body["min"], 10) and close_to(body["max"], 30)
    assert close_to(body["mean"], 20)


@pytest.mark.stage(3)
@pytest.mark.points(2)
@pytest.mark.hint(
    "No matching readings is not an error: answer 200 with count 0 and min, max, mean, "
    "first_recorded_at and last_recorded_at all null."
)
def test_stats_without_readings(client, device):
    body = expect(client.get(f"{device().url}/readings/stats", params={"sensor": "t"}), 200)
    assert body == {
        "sensor": "t",
        "count": 0,
        "min": None,
        "max": None,
        "mean": None,
        "first_recorded_at": None,
        "last_recorded_at": None,
    }


@pytest.mark.stage(3)
@pytest.mark.points(1)
@pytest.mark.hint(
    "?sensor= is required for stats and must be a slug: otherwise 400 validation_error."
)
@pytest.mark.parametrize("params", [{}, {"sensor": "Not A Slug"}], ids=["missing", "not-a-slug"])
def test_stats_needs_a_valid_sensor(client, shared_device, params):
    assert_error(
        client.get(f"{shared_device.url}/readings/stats", params=params), 400, "validation_error"
    )


@pytest.mark.stage(3)
@pytest.mark.points(1)
@pytest.mark.hint("A naive since or until is refused for stats too (400).")
def test_stats_with_a_naive_time_is_400(client, shared_device):
    params = {"sensor": "t", "since": "2025-06-01T12:00:00"}
    assert_error(
        client.get(f"{shared_device.url}/readings/stats", params=params), 400, "validation_error"
    )


@pytest.mark.stage(3)
@pytest.mark.points(1)
@pytest.mark.hint("Stats of an unknown device is 404 not_found.")
def test_stats_of_an_unknown_device_is_404(client):
    url = f"{API}/devices/{new_device_id('missing')}/readings/stats"
    assert_error(client.get(url, params={"sensor": "t"}), 404, "not_found")
