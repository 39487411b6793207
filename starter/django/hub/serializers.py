"""JSON in and out: strict fields, the request serializers, and the response serializers.

A request serializer checks what a client sent; the view calls `is_valid(raise_exception=True)`
and reads `validated_data`, and a refusal becomes a 400 validation_error (hub.exceptions).
A response serializer turns a stored object into the JSON the contract describes.

The contract is stricter than DRF's defaults, which accept "21.5" for a number, 1 for a
string, true for 1 and a time without an offset. The strict fields below refuse all that;
they are given, so that the views can stay about what the hub does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from .models import SLUG_PATTERN, Command
from .pagination import decode_cursor

MAX_BATCH = 500
MAX_FUTURE = timedelta(minutes=5)
MAX_SEQ = 2**63 - 1
RFC3339 = re.compile(
    r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,32})?(Z|[+-]\d{2}:\d{2})\Z", re.IGNORECASE
)


# --- helpers -----------------------------------------------------------------------------


def parse_timestamp(text: Any) -> datetime:
    """Parse an ISO 8601 / RFC 3339 time with an offset into UTC; ValueError if it is not one."""
    if not isinstance(text, str):
        raise ValueError("Send the time as a string, e.g. 2026-11-24T10:00:00+00:00.")
    if not RFC3339.match(text):
        hint = " (a '+' in a URL must be sent as %2B)" if " " in text else ""
        raise ValueError(f"Use ISO 8601 with an offset, e.g. 2026-11-24T10:00:00+00:00{hint}.")
    try:
        moment = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValueError(f"{text} is not a time the hub can store (0001 to 9999, UTC).") from None


def fits_a_float(number: int | float) -> bool:
    """Whether a JSON number is a finite float.

    Python's json module reads `1e400` as infinity, and reads an integer of 400 digits
    exactly, which `float()` then refuses with OverflowError.
    """
    try:
        return math.isfinite(float(number))
    except OverflowError:
        return False


# --- strict fields -----------------------------------------------------------------------


class StrictCharField(serializers.CharField):
    """A string and nothing else (DRF's CharField turns 1 into "1"), kept exactly as sent.

    DRF's CharField already refuses what no database can store: a lone surrogate (`"\\ud800"`
    in JSON is not valid unicode) and the NUL character. `not_only_spaces=True` also refuses
    a string made only of whitespace (tabs, newlines, no-break spaces).
    """

    default_error_messages = {
        "invalid": "Not a string.",
        "spaces": "Must contain something other than spaces.",
    }

    def __init__(self, *, not_only_spaces: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        self.not_only_spaces = not_only_spaces

    def to_internal_value(self, data: Any) -> str:
        """Refuse anything that is not a string, or only spaces when asked to."""
        if not isinstance(data, str):
            self.fail("invalid")
        if self.not_only_spaces and data and not data.strip():
            self.fail("spaces")
        return super().to_internal_value(data)


class SlugField(StrictCharField):
    """1 to 64 lowercase letters, digits, `-` and `_`."""

    default_error_messages = {"slug": "Use 1 to 64 lowercase letters, digits, '-' or '_'."}

    def to_internal_value(self, data: Any) -> str:
        """A string that is a slug."""
        value = super().to_internal_value(data)
        if not re.match(SLUG_PATTERN, value):
            self.fail("slug")
        return value


# --8<-- [start:number-field]
class NumberField(serializers.Field):
    """A finite JSON number: not a string, not a boolean (in Python, True is an int), not null.

    DRF's FloatField would accept "21.5" and true; JSON's 1e400 (infinity to Python's json
    module) and an integer of 400 digits are numbers no float can hold, refused too.
    """

    default_error_messages = {
        "invalid": "Must be a JSON number (not a string, boolean or null).",
        "finite": "Must be a finite number that fits a float.",
    }

    def to_internal_value(self, data: Any) -> float:
        """Accept an int or a float that fits a finite float, as a float."""
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        if not fits_a_float(data):
            self.fail("finite")
        return float(data)
# --8<-- [end:number-field]

    def to_representation(self, value: float) -> float:
        """The stored float."""
        return float(value)


class StrictIntegerField(serializers.Field):
    """A JSON integer (not a boolean, not 1.0, not "1") from `low` to `high`."""

    default_error_messages = {
        "invalid": "Must be a JSON integer.",
        "range": "Must be from {low} to {high}.",
    }

    def __init__(self, *, low: int, high: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.low, self.high = low, high

    def to_internal_value(self, data: Any) -> int:
        """Accept an int in [low, high]."""
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        if not self.low <= data <= self.high:
            self.fail("range", low=self.low, high=self.high)
        return data

    def to_representation(self, value: int) -> int:
        """The stored int."""
        return value


class StrictChoiceField(serializers.ChoiceField):
    """One of the choices, as a string (DRF's ChoiceField would accept str(anything))."""

    def to_internal_value(self, data: Any) -> str:
        """Refuse non-strings before DRF compares."""
        if not isinstance(data, str):
            self.fail("invalid_choice", input=str(data)[:50])
        return super().to_internal_value(data)


class TimestampField(serializers.Field):
    """An ISO 8601 time with an offset (`2026-11-24T10:00:00+01:00`), as an aware UTC datetime."""

    default_error_messages = {"invalid": "{reason}"}

    def to_internal_value(self, data: Any) -> datetime:
        """Parse into an aware UTC datetime."""
        try:
            return parse_timestamp(data)
        except ValueError as exc:
            self.fail("invalid", reason=str(exc))

    def to_representation(self, value: datetime) -> str:
        """Format in UTC."""
        return value.astimezone(UTC).isoformat()


class PageSizeField(serializers.Field):
    """`?limit=`: a whole number from 1 to 1000, refused (never clamped) outside that."""

    default_error_messages = {"invalid": "Must be a whole number from 1 to 1000."}

    def to_internal_value(self, data: Any) -> int:
        """Accept "1" to "1000" (not "1.0", "1e3" or a number of 30 digits)."""
        if not isinstance(data, str) or not re.fullmatch(r"[0-9]{1,4}", data):
            self.fail("invalid")
        if not 1 <= int(data) <= 1000:
            self.fail("invalid")
        return int(data)


class CursorField(serializers.Field):
    """`?cursor=`: where the previous page ended, as hub.pagination encoded it."""

    default_error_messages = {"invalid": "Not a cursor this hub gave out."}

    def to_internal_value(self, data: Any) -> tuple[datetime, int]:
        """The (recorded_at, id) of the last reading of the previous page."""
        try:
            return decode_cursor(data)
        except ValueError:
            self.fail("invalid")


class StrictSerializer(serializers.Serializer):
    """A serializer that refuses fields it does not know (DRF's would ignore them)."""

    def to_internal_value(self, data: Any) -> dict:
        """Refuse unknown fields, then validate the known ones."""
        if isinstance(data, Mapping):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


# --- requests ----------------------------------------------------------------------------


# --8<-- [start:device-create-serializer]
class DeviceCreateSerializer(StrictSerializer):
    """`POST /devices`: `{"id", "name", "kind"}`."""

    id = SlugField()
    name = StrictCharField(max_length=100, not_only_spaces=True)
    kind = StrictCharField(max_length=32, not_only_spaces=True)
# --8<-- [end:device-create-serializer]


# --8<-- [start:reading-serializers]
class ReadingCreateSerializer(StrictSerializer):
    """One reading as a device sends it; `recorded_at` is now when it is not sent."""

    sensor = SlugField()
    value = NumberField()
    unit = StrictCharField(max_length=16, allow_null=True, allow_blank=True, required=False)
    recorded_at = TimestampField(default=timezone.now)
    seq = StrictIntegerField(low=0, high=MAX_SEQ, required=False)

    def validate_recorded_at(self, value: datetime) -> datetime:
        """At most five minutes in the future (a device's clock may run a little fast)."""
        if value > timezone.now() + MAX_FUTURE:
            raise serializers.ValidationError("Must be at most 5 minutes in the future.")
        return value


class ReadingBatchSerializer(StrictSerializer):
    """`{"readings": [...]}`: 1 to 500 readings, every one valid, no `seq` sent twice.

    DRF validates each reading with ReadingCreateSerializer; the errors of a refused batch
    are a list with one entry per reading, so the envelope can name the reading's index.
    """

    readings = ReadingCreateSerializer(many=True, allow_empty=False, max_length=MAX_BATCH)

    def validate_readings(self, readings: list[dict]) -> list[dict]:
        """Refuse a batch that sends the same `seq` twice, naming the second one."""
        first_at: dict[int, int] = {}
        for index, reading in enumerate(readings):
            seq = reading.get("seq")
            if seq in first_at:
                message = f"seq {seq} is sent twice in this batch (first at {first_at[seq]})."
                raise serializers.ValidationError({index: {"seq": [message]}})
            if seq is not None:
                first_at[seq] = index
        return readings
# --8<-- [end:reading-serializers]


# --8<-- [start:query-serializers]
class ReadingQuerySerializer(serializers.Serializer):
    """The query of `GET .../readings`: sensor, since, until, limit (100), cursor."""

    sensor = SlugField(required=False)
    since = TimestampField(required=False)
    until = TimestampField(required=False)
    limit = PageSizeField(default=100)
    cursor = CursorField(required=False)


class StatsQuerySerializer(serializers.Serializer):
    """The query of `GET .../readings/stats`: sensor (required), since, until."""

    sensor = SlugField()
    since = TimestampField(required=False)
    until = TimestampField(required=False)
# --8<-- [end:query-serializers]


# --8<-- [start:command-serializers]
class CommandCreateSerializer(StrictSerializer):
    """`POST /devices/{id}/commands`: `{"name", "value"}`."""

    name = SlugField()
    value = StrictCharField(max_length=256, allow_blank=True)


class CommandQuerySerializer(serializers.Serializer):
    """The query of `GET .../commands`: `?status=`, pending by default."""

    status = StrictChoiceField(choices=["pending", "done", "failed", "all"], default="pending")


class CommandAckSerializer(StrictSerializer):
    """`POST .../ack`: `{"status": "done" | "failed", "detail"}`."""

    status = StrictChoiceField(choices=[Command.Status.DONE, Command.Status.FAILED])
    detail = StrictCharField(max_length=500, allow_null=True, allow_blank=True, required=False)
# --8<-- [end:command-serializers]


# --- responses ---------------------------------------------------------------------------

# Plain serializers with their fields written out, as in part 1 of DRF's tutorial: the JSON
# the contract describes, readable at a glance. They only ever turn objects into JSON.


class DeviceSerializer(serializers.Serializer):
    """A device as every GET shows it: never its key (nor the key's hash)."""

    id = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_seen_at = serializers.DateTimeField()


class ReadingSerializer(serializers.Serializer):
    """A stored reading."""

    id = serializers.IntegerField()
    sensor = serializers.CharField()
    value = serializers.FloatField()
    unit = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()
    seq = serializers.IntegerField()


class CommandSerializer(serializers.Serializer):
    """A queued or acknowledged command."""

    id = serializers.IntegerField()
    device_id = serializers.CharField()
    name = serializers.CharField()
    value = serializers.CharField()
    status = serializers.CharField()
    detail = serializers.CharField()
    created_at = serializers.DateTimeField()
    acked_at = serializers.DateTimeField()


class StatsSerializer(serializers.Serializer):
    """The stats of one sensor: count 0 and nulls when there is nothing to count."""

    sensor = serializers.CharField()
    count = serializers.IntegerField()
    min = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    first_recorded_at = serializers.DateTimeField(allow_null=True)
    last_recorded_at = serializers.DateTimeField(allow_null=True)
