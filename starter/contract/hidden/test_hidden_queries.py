"""Hidden: pagination walks, window edges, query parameter abuse, stats edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
from hubcontract import assert_error, close_to, expect, iso, parse_time

BASE = datetime(2025, 3, 1, 8, tzinfo=UTC)


def at(seconds):
    """BASE plus some seconds, as ISO 8601."""
    return iso(BASE + timedelta(seconds=seconds))


def store(client, device, readings):
    """Post readings in batches of 500; return every stored reading."""
    out = []
    for start in range(0, len(readings), 500):
        chunk = {"readings": readings[start : start + 500]}
        response = client.post(f"{device.url}/readings", json=chunk, headers=device.headers)
        out += expect(response, 201)["readings"]
    return out


def walk(client, url, max_pages=500):
    """Follow next links from url; return the pages of readings."""
    pages = []
    while url is not None:
        body = expect(client.get(url), 200)
        pages.append(body["readings"])
        url = body["next"]
        assert len(pages) <= max_pages, "next never becomes null"
    return pages


@pytest.mark.stage(3)
@pytest.mark.points(3)
@pytest.mark.hint(
    "Walking next through many pages must give every reading once, newest first, no gaps "
    "and no doubles: base the cursor on (recorded_at, id) of the last reading of the page."
)
def test_walk_through_many_pages(client, device):
    made = device()
    ids = [
        r["id"]
        for r in store(
            client, made, [{"sensor": "t", "value": i, "recorded_at": at(i)} for i in range(250)]
        )
    ]
    pages = walk(client, f"{made.url}/readings?limit=7")
    assert [len(p) for p in pages] == [7] * 35 + [5]
    assert [r["id"] for page in pages for r in page] == ids[::-1]


@pytest.mark.stage(3)
@pytest.mark.points(3)
@pytest.mark.hint(
    "Readings with the SAME recorded_at must still page correctly: order by recorded_at "
    "DESC, id DESC and put both in the cursor; a cursor on the time alone skips or repeats."
)
def test_walk_through_readings_with_equal_times(client, device):
    made = device()
    ids = [
        r["id"]
        for r in store(
            client, made, [{"sensor": "t", "value": i, "recorded_at": at(0)} for i in range(10)]
        )
    ]
    pages = walk(client, f"{made.url}/readings?limit=3")
    assert [r["id"] for page in pages for r in page] == sorted(ids, reverse=True)


@pytest.mark.stage(3)
@pytest.mark.points(2)
@pytest.mark.hint(
    "A page boundary that falls exactly on the last reading gives next = null, not an empty page."
)
def test_last_full_page_has_no_next(client, device):
    made = device()
    store(client, made, [{"sensor": "t", "value": i, "recorded_at": at(i)} for i in range(4)])
    pages = walk(client, f"{made.url}/readings?limit=2")
    assert [len(p) for p in pages] == [2, 2]


@pytest.mark.stage(3)
@pytest.mark.points(2)
@pytest.mark.hint(
    "next keeps the filters (sensor, since, until, limit): following it must not mix in "
    "other sensors or times."
)
def test_next_keeps_the_filters(client, device):
    made = device()
    store(
        client, made, [{"sensor": "ab"[i % 2], "value": i, "recorded_at": at(i)} for i in range(20)]
    )
    query = httpx.QueryParams({"sensor": "a", "limit": 3, "since": at(2), "until": at(15)})
    url = f"{made.url}/readings?{query}"
    values = [r["value"] for page in walk(client, url) for r in page]
    assert values == [14, 12, 10, 8, 6, 4, 2]


@pytest.mark.stage(3)
@pytest.mark.points(3)
@pytest.mark.hint(
    "since is inclusive and until exclusive: a reading at exactly since is in, one at exactly "
    "until is out. Compare in UTC whatever offset the query uses."
)
def test_window_edges(client, device):
    made = device()
    store(
        client,
        made,
        [{"sensor": "t", "value": s, "recorded_at": at(s)} for s in (59, 60, 61, 119, 120, 121)],
    )
    plus2 = timezone(timedelta(hours=2))
    params = {"since": iso((BASE + timedelta(seconds=60)).astimezone(plus2)), "until": at(120)}
    body = expect(client.get(f"{made.url}/readings", params=params), 200)
    assert [r["value"] for r in body["readings"]] == [119, 61, 60]


@pytest.mark.stage(3)
@pytest.mark.points(1)
@pytest.mark.hint(
    "until before since is simply an empty window (200, no readings), or 400; never a 500."
)
def test_empty_window(client, device):
    made = device()
    store(client, made, [{"sensor": "t", "value": 1, "recorded_at": at(10)}])
    response = client.get(f"{made.url}/readings", params={"since": at(20), "until": at(0)})
    if response.status_code == 400:
        assert_error(response, 400, "validation_error")
    else:
        assert expect(response, 200) == {"readings": [], "next": None}


@pytest.mark.stage(3)
@pytest.mark.points(2)
@pytest.mark.hint(
    "The stats window has the same edges as the list: since inclusive, until exclusive."
)
def test_stats_window_edges(client, device):
    made = device()
    store(
        client, made, [{"sensor": "t", "value": s, "recorded_at": at(s)} for s in (0, 10, 20, 30)]
    )
    params = {"sensor": "t", "since": at(10), "until": at(30)}
    body = expect(client.get(f"{made.url}/readings/stats", params=params), 200)
    assert body["count"] == 2 and close_to(body["mean"], 15)
    assert parse_time(body["first_recorded_at"]) == BASE + timedelta(seconds=10)
    assert parse_time(body["last_recorded_at"]) == BASE + timedelta(seconds=20)


@pytest.mark.stage(3)
@pytest.mark.points(1)
@pytest.mark.hint("limit may be exactly 1 or 1000.")
def test_limit_bounds_are_allowed(client, device):
    made = device()
    store(client, made, [{"sensor": "t", "value": i, "recorded_at": at(i)} for i in range(3)])
    assert (
        len(expect(client.get(f"{made.url}/readings", params={"limit": 1}), 200)["readings"]) == 1
    )
    assert (
        len(expect(client.get(f"{made.url}/readings", params={"limit": 1000}), 200)["readings"])
        == 3
    )


@pytest.mark.stage(3)
@pytest.mark.points(1)
@pytest.mark.hint("A limit with 30 digits is out of range (400), not an overflow in the database.")
@pytest.mark.parametrize("limit", ["1" + "0" * 30, "1e3", "0x10", "1.0"])
def test_strange_limits_are_400(client, shared_device, limit):
    assert_error(
        client.get(f"{shared_device.url}/readings", params={"limit": limit}),
        400,
        "validation_error",
    )


@pytest.mark.stage(3)
@pytest.mark.points(2)
@pytest.mark.hint(
    "The cursor comes from the client, so it can be anything: a cursor you cannot decode is "
    "400 validation_error, never a 500."
)
@pytest.mark.parametrize(
    "cursor",
    ["garbage", "!!!", "eyJ4IjogMX0", "MjAyNS0wMy0wMVQwODowMDowMCswMDowMHxhYmM", "%00"],
    ids=["word", "symbols", "base64-json", "base64-text", "nul"],
)
def test_bad_cursor_is_400(client, shared_device, cursor):
    assert_error(
        client.get(f"{shared_device.url}/readings", params={"cursor": cursor}),
        400,
        "validation_error",
    )


@pytest.mark.stage(3)
@pytest.mark.points(1)
@pytest.mark.hint(
    "A sensor filter that is not a slug is 400 validation_error on the readings list too."
)
def test_bad_sensor_filter_is_400(client, shared_device):
    assert_error(
        client.get(f"{shared_device.url}/readings", params={"sensor": "Bad Sensor"}),
        400,
        "validation_error",
    )


@pytest.mark.stage(3)
@pytest.mark.points(1)
@pytest.mark.hint("A far-future since is a valid (empty) window: 200 with no readings.")
def test_far_future_since_is_an_empty_window(client, device):
    body = expect(
        client.get(f"{device().url}/readings", params={"since": "9999-01-01T00:00:00Z"}), 200
    )
    assert body == {"readings": [], "next": None}


@pytest.mark.stage(3)
@pytest.mark.points(1)
@pytest.mark.hint(
    "Stats of a single reading: min = max = mean = its value, first = last = its time."
)
def test_stats_of_one_reading(client, device):
    made = device()
    store(client, made, [{"sensor": "t", "value": -3.5, "recorded_at": at(5)}])
    body = expect(client.get(f"{made.url}/readings/stats", params={"sensor": "t"}), 200)
    assert body["count"] == 1 and body["min"] == body["max"] == body["mean"] == -3.5
    assert body["first_recorded_at"] == body["last_recorded_at"]
