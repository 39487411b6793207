"""Hidden: batches, seq replays and hostile numbers and times in readings."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from hubcontract import assert_error, close_to, expect, iso, now, post_raw

INVALID = ("validation_error", "malformed_json")


def post(client, device, body):
    """POST readings as the device."""
    return client.post(f"{device.url}/readings", json=body, headers=device.headers)


def stored(client, device):
    """Every reading of the device (up to 1000)."""
    return expect(client.get(f"{device.url}/readings", params={"limit": 1000}), 200)["readings"]


@pytest.mark.stage(3)
@pytest.mark.points(2)
@pytest.mark.hint(
    "Validate the whole batch before writing: the last of 500 readings being invalid must "
    "leave the database untouched, with details.index 499."
)
def test_batch_invalid_at_the_last_index_stores_nothing(client, device):
    made = device()
    batch = [{"sensor": "t", "value": i} for i in range(499)] + [{"sensor": "t", "value": None}]
    error = assert_error(post(client, made, {"readings": batch}), 400, "validation_error")
    assert error["details"]["index"] == 499
    assert stored(client, made) == []


@pytest.mark.stage(3)
@pytest.mark.points(2)
@pytest.mark.hint(
    "Check every rule per reading in a batch (future recorded_at too), and roll back the "
    "whole batch when one fails."
)
def test_batch_with_a_far_future_reading_stores_nothing(client, device):
    made = device()
    batch = [
        {"sensor": "t", "value": 1},
        {"sensor": "t", "value": 2},
        {"sensor": "t", "value": 3, "recorded_at": iso(now() + timedelta(days=2))},
    ]
    error = assert_error(post(client, made, {"readings": batch}), 400, "validation_error")
    assert error["details"]["index"] == 2
    assert stored(client, made) == []


@pytest.mark.stage(3)
@pytest.mark.points(2)
@pytest.mark.hint(
    "Two readings with the same seq in one batch are refused (400) with the index of the "
    "second one; nothing is stored."
)
def test_batch_with_a_repeated_seq_is_400(client, device):
    made = device()
    batch = [
        {"sensor": "t", "value": 1, "seq": 1},
        {"sensor": "t", "value": 2, "seq": 2},
        {"sensor": "t", "value": 3, "seq": 1},
    ]
    error = assert_error(post(client, made, {"readings": batch}), 400, "validation_error")
    assert error["details"]["index"] == 2
    assert stored(client, made) == []


@pytest.mark.stage(3)
@pytest.mark.points(3)
@pytest.mark.hint(
    "A batch mixing new and replayed seq answers 201 with created and replayed counted; the "
    "replays come back as first stored, in the order sent; nothing is stored twice."
)
def test_batch_mixing_new_and_replayed_seq(client, device):
    made = device()
    first = expect(post(client, made, {"sensor": "t", "value": 10, "seq": 2}), 201)
    batch = [
        {"sensor": "t", "value": 1, "seq": 1},
        {"sensor": "t", "value": 99, "seq": 2},
        {"sensor": "t", "value": 3, "seq": 3},
    ]
    body = expect(post(client, made, {"readings": batch}), 201)
    assert (body["created"], body["replayed"]) == (2, 1)
    assert [r["seq"] for r in body["readings"]] == [1, 2, 3]
    assert body["readings"][1]["id"] == first["id"] and close_to(body["readings"][1]["value"], 10)
    assert sorted(r["seq"] for r in stored(client, made)) == [1, 2, 3]


@pytest.mark.stage(3)
@pytest.mark.points(2)
@pytest.mark.hint("A batch in which every seq was stored already answers 200 with created 0.")
def test_batch_of_replays_only_answers_200(client, device):
    made = device()
    batch = [{"sensor": "t", "value": v, "seq": v} for v in range(3)]
    expect(post(client, made, {"readings": batch}), 201)
    body = expect(post(client, made, {"readings": batch}), 200)
    assert (body["created"], body["replayed"]) == (0, 3)
    assert len(stored(client, made)) == 3


@pytest.mark.stage(3)
@pytest.mark.points(2)
@pytest.mark.hint(
    "A replay answers with the reading as FIRST stored: do not overwrite it with the "
    "replayed value."
)
def test_replay_returns_the_first_value(client, device):
    made = device()
    expect(post(client, made, {"sensor": "t", "value": 1.25, "seq": 0}), 201)
    again = expect(post(client, made, {"sensor": "t", "value": 8.5, "seq": 0}), 200)
    assert close_to(again["value"], 1.25)
    assert [r["value"] for r in stored(client, made)] == [1.25]


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint(
    "seq is per device: the same seq from two devices is two readings (unique on device AND seq)."
)
def test_same_seq_on_two_devices_is_stored_twice(client, device):
    one, two = device(), device()
    expect(post(client, one, {"sensor": "t", "value": 1, "seq": 5}), 201)
    expect(post(client, two, {"sensor": "t", "value": 2, "seq": 5}), 201)


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("seq goes up to 2**63 - 1 (a 64-bit signed integer); one more is 400.")
def test_seq_bounds(client, device):
    made = device()
    expect(post(client, made, {"sensor": "t", "value": 1, "seq": 2**63 - 1}), 201)
    assert_error(
        post(client, made, {"sensor": "t", "value": 1, "seq": 2**63}), 400, "validation_error"
    )


@pytest.mark.stage(2)
@pytest.mark.points(2)
@pytest.mark.hint(
    "1e400 overflows a float to Infinity when parsed: check the value is finite after "
    "parsing and answer 400."
)
@pytest.mark.parametrize("number", ["1e400", "-1e400"])
def test_overflowing_float_is_400(client, shared_device, number):
    made = shared_device
    body = f'{{"sensor": "t", "value": {number}}}'
    assert_error(post_raw(client, f"{made.url}/readings", body, headers=made.headers), 400, INVALID)


@pytest.mark.stage(2)
@pytest.mark.points(2)
@pytest.mark.hint(
    "A huge integer (400 digits) is valid JSON but no float can hold it: refuse it with 400 "
    "instead of crashing on the conversion."
)
def test_huge_integer_value_is_400(client, shared_device):
    made = shared_device
    body = '{"sensor": "t", "value": 1%s}' % ("0" * 400)
    assert_error(post_raw(client, f"{made.url}/readings", body, headers=made.headers), 400, INVALID)


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("A huge integer seq (400 digits) is 400, not a database overflow.")
def test_huge_integer_seq_is_400(client, shared_device):
    made = shared_device
    body = '{"sensor": "t", "value": 1, "seq": 1%s}' % ("0" * 400)
    assert_error(post_raw(client, f"{made.url}/readings", body, headers=made.headers), 400, INVALID)


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("Very large and very small finite numbers are fine values.")
@pytest.mark.parametrize("value", [1e300, -1e-300, 0, -0.0])
def test_extreme_finite_values_are_accepted(client, device, value):
    body = expect(post(client, device(), {"sensor": "t", "value": value}), 201)
    assert close_to(body["value"], value)


@pytest.mark.stage(2)
@pytest.mark.points(2)
@pytest.mark.hint(
    "Far-future times (year 9999) are more than 5 minutes ahead: 400. Compare aware "
    "datetimes in UTC."
)
@pytest.mark.parametrize("stamp", ["9999-12-31T23:59:59+00:00", "2100-01-01T00:00:00Z"])
def test_far_future_recorded_at_is_400(client, shared_device, stamp):
    body = {"sensor": "t", "value": 1, "recorded_at": stamp}
    assert_error(post(client, shared_device, body), 400, "validation_error")


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint(
    "A time that is 'now' in another zone is not in the future: 2 minutes ahead written with "
    "+14:00 is fine, 10 minutes ahead written with -12:00 is not."
)
def test_future_limit_uses_the_offset(client, device):
    made = device()

    soon = (now() + timedelta(minutes=2)).astimezone(timezone(timedelta(hours=14)))
    expect(post(client, made, {"sensor": "t", "value": 1, "recorded_at": iso(soon)}), 201)
    late = (now() + timedelta(minutes=10)).astimezone(timezone(timedelta(hours=-12)))
    assert_error(
        post(client, made, {"sensor": "t", "value": 1, "recorded_at": iso(late)}),
        400,
        "validation_error",
    )


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("An impossible offset (+25:00) or date (February 30) is 400, never a 500.")
@pytest.mark.parametrize(
    "stamp", ["2025-06-01T12:00:00+25:00", "2025-02-30T12:00:00Z", "2025-06-01T24:61:00Z"]
)
def test_impossible_times_are_400(client, shared_device, stamp):
    body = {"sensor": "t", "value": 1, "recorded_at": stamp}
    assert_error(post(client, shared_device, body), 400, "validation_error")


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint(
    'A bare JSON list of readings is not a batch: wrap it as {"readings": [...]}; refuse '
    "the list with 400."
)
def test_bare_list_is_400(client, shared_device):
    assert_error(
        post(client, shared_device, [{"sensor": "t", "value": 1}]), 400, "validation_error"
    )


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint(
    "A batch item must be an object: a number or a list inside readings is 400 with its index."
)
def test_batch_item_that_is_not_an_object_is_400(client, device):
    made = device()
    error = assert_error(
        post(client, made, {"readings": [{"sensor": "t", "value": 1}, 5]}), 400, "validation_error"
    )
    assert error["details"]["index"] == 1


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint('readings must be a list: {"readings": {}} or {"readings": null} is 400.')
@pytest.mark.parametrize("readings", [{}, None, "t"], ids=["object", "null", "string"])
def test_batch_that_is_not_a_list_is_400(client, shared_device, readings):
    assert_error(post(client, shared_device, {"readings": readings}), 400, "validation_error")


@pytest.mark.stage(2)
@pytest.mark.points(1)
@pytest.mark.hint("A batch exactly 500 long is allowed: the limit is at most 500.")
def test_batch_of_exactly_500(client, device):
    made = device()
    body = expect(
        post(client, made, {"readings": [{"sensor": "t", "value": i} for i in range(500)]}), 201
    )
    assert body["created"] == 500 and len(body["readings"]) == 500
