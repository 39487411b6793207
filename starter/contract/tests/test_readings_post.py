"""POST /api/v1/devices/{id}/readings: one reading or a batch, with the device's key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hubcontract import (
    API,
    assert_error,
    assert_utc,
    close_to,
    expect,
    iso,
    new_device_id,
    now,
    parse_time,
    post_raw,
)

INVALID = ("validation_error", "malformed_json")


def post(client, device, body):
    """POST readings as the device."""
    return client.post(f"{device.url}/readings", json=body, headers=device.headers)


@pytest.mark.stage(2)
@pytest.mark.points(2)
@pytest.mark.hint(
    "Store the reading and answer 201 with it: id, sensor, value, unit, recorded_at, "
    "received_at and seq (null when not sent), times in UTC."
)
def test_post_one_reading_returns_it(client, device):
    made = device()
    sent = {
        "sensor": "temperature",
        "value": 21.5,
        "unit": "°C",
        "recorded_at": "2025-06-01T12:00:00+00:00",
    }
    body = expect(post(client, made, sent), 201)
    assert (body["sensor"], body["unit"], body["seq"]) == ("temperature", "°C", None)
    assert close_to(body["value"], 21.5)
    assert assert_utc(body["recorded_at"]) == datetime(2025, 6, 1, 12, tzinfo=UTC)
    assert_utc(body["received_at"])


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("Without recorded_at, use the time the hub received the reading (UTC).")
def test_recorded_at_defaults_to_now(client, device):
    made = device()
    before = now() - timedelta(minutes=1)
    body = expect(post(client, made, {"sensor": "light", "value": 300}), 201)
    assert before <= assert_utc(body["recorded_at"]) <= now() + timedelta(minutes=1)
    assert body["unit"] is None


@pytest.mark.stage(2)
@pytest.mark.points(2)
@pytest.mark.hint(
    "Accept any UTC offset and convert to UTC: 14:00+02:00 is stored and returned as "
    "12:00+00:00 (or 12:00Z)."
)
def test_recorded_at_with_an_offset_is_returned_in_utc(client, device):
    made = device()
    body = expect(
        post(client, made, {"sensor": "t", "value": 1, "recorded_at": "2025-06-01T14:00:00+02:00"}),
        201,
    )
    assert assert_utc(body["recorded_at"]) == datetime(2025, 6, 1, 12, tzinfo=UTC)


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("An integer value is a number too: accept 21 as well as 21.5.")
def test_integer_value_is_accepted(client, device):
    made = device()
    assert expect(post(client, made, {"sensor": "t", "value": 21}), 201)["value"] == 21


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint(
    "value must be a JSON number: refuse strings, booleans (true is not 1), null, lists and "
    "objects with 400 validation_error. In Python, bool is a subclass of int: check for it."
)
@pytest.mark.parametrize(
    "value",
    ["21.5", True, False, None, [21.5], {"v": 1}],
    ids=["string", "true", "false", "null", "list", "object"],
)
def test_value_that_is_not_a_number_is_400(client, shared_device, value):
    assert_error(
        post(client, shared_device, {"sensor": "t", "value": value}), 400, "validation_error"
    )


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint(
    "NaN and Infinity are not JSON, but Python's json module accepts them: refuse them with "
    "400 (parse with parse_constant raising an error, or check math.isfinite)."
)
@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_400(client, shared_device, token):
    made = shared_device
    body = f'{{"sensor": "t", "value": {token}}}'
    assert_error(post_raw(client, f"{made.url}/readings", body, headers=made.headers), 400, INVALID)


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("sensor is a slug (a-z, 0-9, '-', '_', 1 to 64 characters) and required.")
@pytest.mark.parametrize(
    "sensor",
    ["Temperature", "", "living room", 42, None, "s" * 65],
    ids=["uppercase", "empty", "space", "number", "null", "65-chars"],
)
def test_bad_sensor_is_400(client, shared_device, sensor):
    assert_error(
        post(client, shared_device, {"sensor": sensor, "value": 1}), 400, "validation_error"
    )


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("sensor and value are required: a reading without one is 400 validation_error.")
@pytest.mark.parametrize(
    "body", [{"sensor": "t"}, {"value": 1}, {}], ids=["no-value", "no-sensor", "empty"]
)
def test_missing_field_is_400(client, shared_device, body):
    assert_error(post(client, shared_device, body), 400, "validation_error")


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("unit is optional, a string of at most 16 characters, or null.")
@pytest.mark.parametrize("unit", ["u" * 17, 5], ids=["17-chars", "number"])
def test_bad_unit_is_400(client, shared_device, unit):
    assert_error(
        post(client, shared_device, {"sensor": "t", "value": 1, "unit": unit}),
        400,
        "validation_error",
    )


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint(
    "Refuse unknown fields in a reading (e.g. 'timestamp') with 400 validation_error."
)
def test_unknown_field_is_400(client, shared_device):
    body = {"sensor": "t", "value": 1, "timestamp": "2025-06-01T12:00:00Z"}
    assert_error(post(client, shared_device, body), 400, "validation_error")


@pytest.mark.stage(2)
@pytest.mark.points(2)
@pytest.mark.hint(
    "A recorded_at without a UTC offset is ambiguous: refuse it with 400, never guess the "
    "time zone. Check datetime.tzinfo after parsing."
)
@pytest.mark.parametrize(
    "stamp", ["2025-06-01T12:00:00", "2025-06-01 12:00:00"], ids=["T", "space"]
)
def test_naive_recorded_at_is_400(client, shared_device, stamp):
    assert_error(
        post(client, shared_device, {"sensor": "t", "value": 1, "recorded_at": stamp}),
        400,
        "validation_error",
    )


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("recorded_at must be an ISO 8601 time: refuse other text or numbers with 400.")
@pytest.mark.parametrize(
    "stamp",
    ["yesterday", "2025-13-01T00:00:00Z", 1717243200, ""],
    ids=["word", "month-13", "unix-number", "empty"],
)
def test_recorded_at_that_is_not_a_time_is_400(client, shared_device, stamp):
    assert_error(
        post(client, shared_device, {"sensor": "t", "value": 1, "recorded_at": stamp}),
        400,
        "validation_error",
    )


@pytest.mark.stage(2)
@pytest.mark.points(2)
@pytest.mark.hint(
    "recorded_at may be at most 5 minutes in the future (a clock a little fast is fine); "
    "one day ahead is 400 validation_error."
)
def test_recorded_at_in_the_future(client, device):
    made = device()
    soon = {"sensor": "t", "value": 1, "recorded_at": iso(now() + timedelta(minutes=1))}
    expect(post(client, made, soon), 201)
    later = {"sensor": "t", "value": 1, "recorded_at": iso(now() + timedelta(days=1))}
    assert_error(post(client, made, later), 400, "validation_error")


@pytest.mark.stage(2)
@pytest.mark.points(2)
@pytest.mark.hint(
    "Posting readings needs the device's key in X-API-Key: without it answer 401 unauthorized."
)
def test_post_without_key_is_401(client, device):
    made = device()
    assert_error(
        client.post(f"{made.url}/readings", json={"sensor": "t", "value": 1}), 401, "unauthorized"
    )


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("A key that belongs to no device is 401 unauthorized.")
def test_post_with_an_unknown_key_is_401(client, device):
    made = device()
    response = client.post(
        f"{made.url}/readings", json={"sensor": "t", "value": 1}, headers={"X-API-Key": "k" * 43}
    )
    assert_error(response, 401, "unauthorized")


@pytest.mark.stage(2)
@pytest.mark.points(2)
@pytest.mark.hint(
    "A valid key of ANOTHER device is 403 forbidden: find which device the key belongs to and "
    "compare it with the device in the URL."
)
def test_post_with_another_devices_key_is_403(client, device):
    mine, other = device(), device()
    response = client.post(
        f"{mine.url}/readings", json={"sensor": "t", "value": 1}, headers=other.headers
    )
    assert_error(response, 403, "forbidden")


@pytest.mark.stage(2)
@pytest.mark.points(2)
@pytest.mark.hint(
    "Check the device first: posting to an unknown device id is 404, even without a key."
)
def test_post_to_an_unknown_device_is_404(client):
    url = f"{API}/devices/{new_device_id('missing')}/readings"
    assert_error(client.post(url, json={"sensor": "t", "value": 1}), 404, "not_found")


@pytest.mark.stage(3)
@pytest.mark.points(3)
@pytest.mark.hint(
    "The same (device, seq) is stored once: when it comes again answer 200 (not 201) with the "
    "reading as first stored, and store nothing new."
)
def test_replayed_seq_answers_200_and_is_stored_once(client, device):
    made = device()
    first = expect(post(client, made, {"sensor": "t", "value": 1.5, "seq": 7}), 201)
    again = expect(post(client, made, {"sensor": "t", "value": 1.5, "seq": 7}), 200)
    assert again["id"] == first["id"] and again["seq"] == 7
    readings = expect(client.get(f"{made.url}/readings"), 200)["readings"]
    assert [r["id"] for r in readings] == [first["id"]]


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint(
    "seq is a whole number >= 0: refuse negatives, fractions, strings and booleans with 400."
)
@pytest.mark.parametrize(
    "seq", [-1, 1.5, "3", True], ids=["negative", "fraction", "string", "bool"]
)
def test_bad_seq_is_400(client, shared_device, seq):
    assert_error(
        post(client, shared_device, {"sensor": "t", "value": 1, "seq": seq}),
        400,
        "validation_error",
    )


@pytest.mark.stage(2)
@pytest.mark.points(2)
@pytest.mark.hint(
    'A batch {"readings": [...]} answers 201 with {"readings": [...], "created": n, '
    '"replayed": 0}, the readings in the order sent.'
)
def test_batch_is_stored_in_order(client, device):
    made = device()
    batch = [{"sensor": "t", "value": float(v), "seq": v} for v in range(5)]
    body = expect(post(client, made, {"readings": batch}), 201)
    assert (body["created"], body["replayed"]) == (5, 0)
    assert [r["seq"] for r in body["readings"]] == [0, 1, 2, 3, 4]


@pytest.mark.stage(3)
@pytest.mark.points(3)
@pytest.mark.hint(
    "A batch is all or nothing: validate every reading before storing any; on an invalid one "
    "answer 400 with details.index = its position (0-based), and store nothing."
)
def test_batch_with_an_invalid_reading_stores_nothing(client, device):
    made = device()
    batch = [
        {"sensor": "t", "value": 1},
        {"sensor": "t", "value": "oops"},
        {"sensor": "t", "value": 3},
    ]
    error = assert_error(post(client, made, {"readings": batch}), 400, "validation_error")
    assert isinstance(error["details"], dict) and error["details"].get("index") == 1, (
        f"details must hold the index of the bad reading: {error['details']!r}"
    )
    assert expect(client.get(f"{made.url}/readings"), 200)["readings"] == []


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("A batch holds 1 to 500 readings: an empty list or 501 readings is 400.")
@pytest.mark.parametrize("size", [0, 501])
def test_batch_size_out_of_range_is_400(client, shared_device, size):
    batch = [{"sensor": "t", "value": 1}] * size
    assert_error(post(client, shared_device, {"readings": batch}), 400, "validation_error")


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("recorded_at is kept to the second at least: what you store is what you return.")
def test_recorded_at_round_trips(client, device):
    made = device()
    stamp = "2025-06-01T12:34:56Z"
    body = expect(post(client, made, {"sensor": "t", "value": 1, "recorded_at": stamp}), 201)
    assert parse_time(body["recorded_at"]) == datetime(2025, 6, 1, 12, 34, 56, tzinfo=UTC)
