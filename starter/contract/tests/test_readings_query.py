"""GET readings (newest first, paginated) and the latest reading of each sensor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hubcontract import API, assert_error, expect, iso, new_device_id, parse_time

BASE = datetime(2025, 6, 1, 12, tzinfo=UTC)


def at(minutes):
    """BASE plus some minutes, as ISO 8601."""
    return iso(BASE + timedelta(minutes=minutes))


def store(client, device, readings):
    """Post readings as one batch; return the stored readings."""
    url = f"{device.url}/readings"
    return expect(client.post(url, json={"readings": readings}, headers=device.headers), 201)[
        "readings"
    ]


@pytest.mark.stage(3)
@pytest.mark.points(2)
@pytest.mark.hint(
    'Answer {"readings": [...], "next": null} ordered by recorded_at, newest first '
    "(ORDER BY recorded_at DESC, id DESC), whatever order they were posted in."
)
def test_readings_come_newest_first(client, device):
    made = device()
    store(client, made, [{"sensor": "t", "value": m, "recorded_at": at(m)} for m in (5, 1, 9, 3)])
    body = expect(client.get(f"{made.url}/readings"), 200)
    assert [r["value"] for r in body["readings"]] == [9, 5, 3, 1]
    assert body["next"] is None


@pytest.mark.stage(3)
@pytest.mark.points(2)
@pytest.mark.hint("?sensor=<slug> keeps only that sensor's readings.")
def test_sensor_filter(client, device):
    made = device()
    store(
        client,
        made,
        [{"sensor": s, "value": i, "recorded_at": at(i)} for i, s in enumerate("abab")],
    )
    body = expect(client.get(f"{made.url}/readings", params={"sensor": "a"}), 200)
    assert [r["sensor"] for r in body["readings"]] == ["a", "a"]


@pytest.mark.stage(3)
@pytest.mark.points(2)
@pytest.mark.hint(
    "since and until are ISO 8601 times with an offset: keep readings with since <= "
    "recorded_at < until."
)
def test_time_window(client, device):
    made = device()
    store(
        client, made, [{"sensor": "t", "value": m, "recorded_at": at(m)} for m in range(0, 50, 10)]
    )
    params = {"since": at(10), "until": at(40)}
    body = expect(client.get(f"{made.url}/readings", params=params), 200)
    assert [r["value"] for r in body["readings"]] == [30, 20, 10]


@pytest.mark.stage(3)
@pytest.mark.points(3)
@pytest.mark.hint(
    "With ?limit=n give at most n readings and a `next` URL (same filters plus a cursor) "
    "while more remain; on the last page next is null. Following next must give every "
    "reading exactly once."
)
def test_pagination_follows_next(client, device):
    made = device()
    store(client, made, [{"sensor": "t", "value": m, "recorded_at": at(m)} for m in range(5)])
    url, pages = f"{made.url}/readings?limit=2", []
    while url is not None:
        body = expect(client.get(url), 200)
        pages.append([r["value"] for r in body["readings"]])
        url = body["next"]
        assert len(pages) <= 5, "next never becomes null"
    assert pages == [[4, 3], [2, 1], [0]]


@pytest.mark.stage(3)
@pytest.mark.points(2)
@pytest.mark.hint(
    "Without ?limit give 100 readings per page, with a next link when there are more."
)
def test_default_page_is_100(client, device):
    made = device()
    store(client, made, [{"sensor": "t", "value": i, "recorded_at": at(i)} for i in range(101)])
    body = expect(client.get(f"{made.url}/readings"), 200)
    assert len(body["readings"]) == 100 and body["next"] is not None
    assert expect(client.get(body["next"]), 200)["readings"][0]["value"] == 0


@pytest.mark.stage(3)
@pytest.mark.points(1)
@pytest.mark.hint(
    "limit is a whole number from 1 to 1000: refuse anything else with 400 "
    "validation_error, never clamp it silently."
)
@pytest.mark.parametrize("limit", ["0", "1001", "-5", "ten", "2.5"])
def test_limit_out_of_range_is_400(client, shared_device, limit):
    response = client.get(f"{shared_device.url}/readings", params={"limit": limit})
    assert_error(response, 400, "validation_error")


@pytest.mark.stage(3)
@pytest.mark.points(1)
@pytest.mark.hint(
    "since and until need a UTC offset: a naive time or text that is not a time is 400."
)
@pytest.mark.parametrize(
    "params",
    [{"since": "2025-06-01T12:00:00"}, {"until": "2025-06-01T12:00:00"}, {"since": "last week"}],
    ids=["naive-since", "naive-until", "word-since"],
)
def test_bad_time_window_is_400(client, shared_device, params):
    assert_error(
        client.get(f"{shared_device.url}/readings", params=params), 400, "validation_error"
    )


@pytest.mark.stage(3)
@pytest.mark.points(1)
@pytest.mark.hint("Readings of an unknown device: 404 not_found (not an empty list).")
def test_readings_of_an_unknown_device_is_404(client):
    url = f"{API}/devices/{new_device_id('missing')}/readings"
    assert_error(client.get(url), 404, "not_found")


@pytest.mark.stage(3)
@pytest.mark.points(3)
@pytest.mark.hint(
    "latest gives one reading per sensor, ordered by sensor: the one with the LATEST "
    "recorded_at, not the one posted last."
)
def test_latest_is_the_newest_reading_of_each_sensor(client, device):
    made = device()
    store(
        client,
        made,
        [
            {"sensor": "temp", "value": 1, "recorded_at": at(30)},
            {"sensor": "humidity", "value": 2, "recorded_at": at(10)},
            {"sensor": "temp", "value": 3, "recorded_at": at(20)},
            {"sensor": "humidity", "value": 4, "recorded_at": at(40)},
        ],
    )
    body = expect(client.get(f"{made.url}/readings/latest"), 200)
    assert [(r["sensor"], r["value"]) for r in body["readings"]] == [("humidity", 4), ("temp", 1)]
    assert parse_time(body["readings"][1]["recorded_at"]) == BASE + timedelta(minutes=30)


@pytest.mark.stage(3)
@pytest.mark.points(1)
@pytest.mark.hint('A device without readings has {"readings": []} as latest.')
def test_latest_of_a_quiet_device_is_empty(client, device):
    assert expect(client.get(f"{device().url}/readings/latest"), 200) == {"readings": []}


@pytest.mark.stage(3)
@pytest.mark.points(1)
@pytest.mark.hint("latest of an unknown device is 404 not_found.")
def test_latest_of_an_unknown_device_is_404(client):
    url = f"{API}/devices/{new_device_id('missing')}/readings/latest"
    assert_error(client.get(url), 404, "not_found")
