"""Reading a request's JSON body and query string, and checking every field.

A check never raises on the first problem it sees: it collects them all, and
:func:`refuse` answers one 400 ``validation_error`` that names each one, in
``details["fields"]``, so a client can fix everything at once.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import request

from .errors import APIError

SLUG = re.compile(r"[a-z0-9_-]{1,64}")
SLUG_MESSAGE = "String should match pattern '^[a-z0-9_-]{1,64}$'"
MAX_SEQ = 2**63 - 1
"""The largest ``seq`` (the largest whole number a database column holds)."""
MAX_AHEAD = timedelta(minutes=5)
"""How far in the future a reading's ``recorded_at`` may be (a device's clock is a bit off)."""
MAX_BATCH = 500

Problem = tuple[list[Any], str]
"""Where a problem is (``["readings", 2, "value"]``) and what it is."""


def read_json() -> Any:
    """The request's body as JSON: 415 when it is not sent as JSON, 400 when it is broken."""
    if not request.is_json:
        raise APIError(
            415,
            "unsupported_media_type",
            "Send the body as JSON with the header Content-Type: application/json.",
        )
    try:
        data = json.loads(request.get_data().decode("utf-8"))
    except ValueError as error:  # also a UnicodeDecodeError
        raise APIError(400, "malformed_json", f"The body is not valid JSON: {error}.") from None
    except RecursionError:
        raise APIError(400, "malformed_json", "The body's JSON is nested too deeply.") from None
    try:  # "\ud800" is valid JSON, but half a character: no text can hold it
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        refuse([(["body"], "Text should not hold a lone surrogate (\\ud800 to \\udfff)")])
    return data


def refuse(problems: list[Problem], **details: Any) -> None:
    """Raise a 400 ``validation_error`` naming every problem, if there is any."""
    if not problems:
        return
    loc, msg = problems[0]
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    where = ".".join(str(part) for part in loc)
    fields = [{"loc": loc, "msg": text} for loc, text in problems]
    raise APIError(
        400, "validation_error", f"Invalid {where}: {msg}{more}.", {"fields": fields, **details}
    )


def field_problems(
    data: Any, *, required: tuple[str, ...], optional: tuple[str, ...] = (), at: list[Any]
) -> list[Problem]:
    """Problems of an object that must have these fields and no others."""
    if not isinstance(data, dict):
        return [(at or ["body"], "Input should be a JSON object")]
    problems = [(at + [name], "Field required") for name in required if name not in data]
    problems += [
        (at + [name], "Extra inputs are not permitted")
        for name in data
        if name not in required + optional
    ]
    return problems


def is_slug(value: Any) -> bool:
    """Is value a slug: lowercase letters, digits, ``-`` and ``_``, 1 to 64 of them?"""
    return isinstance(value, str) and SLUG.fullmatch(value) is not None


def is_text(value: Any, longest: int) -> bool:
    """Is value a text of 1 to ``longest`` characters, not only spaces?"""
    return isinstance(value, str) and bool(value.strip()) and len(value) <= longest


def is_number(value: Any) -> bool:
    """Is value a finite JSON number? (``True`` is a bool, not a number, for the hub.)"""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def is_seq(value: Any) -> bool:
    """Is value a sequence number: a whole number from 0 to MAX_SEQ?"""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_SEQ


def utc(text: Any) -> datetime | None:
    """An ISO 8601 time with an offset, in UTC; None when it is not one."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None  # a time without an offset is refused, never guessed
    return moment.astimezone(UTC)


def device_problems(data: Any) -> list[Problem]:
    """Problems of a new device: ``{"id": slug, "name": text, "kind": text}``."""
    problems = field_problems(data, required=("id", "name", "kind"), at=[])
    if problems:
        return problems
    if not is_slug(data["id"]):
        problems.append((["id"], SLUG_MESSAGE))
    if not is_text(data["name"], 100):
        problems.append((["name"], "Should be text of 1 to 100 characters"))
    if not is_text(data["kind"], 32):
        problems.append((["kind"], "Should be text of 1 to 32 characters"))
    return problems


def reading_problems(data: Any, at: list[Any], now: datetime) -> list[Problem]:
    """Problems of one reading: a slug sensor, a finite number, a short unit, a time, a seq."""
    problems = field_problems(
        data, required=("sensor", "value"), optional=("unit", "recorded_at", "seq"), at=at
    )
    if problems:
        return problems
    if not is_slug(data["sensor"]):
        problems.append((at + ["sensor"], SLUG_MESSAGE))
    if not is_number(data["value"]):
        problems.append((at + ["value"], "Input should be a finite number"))
    unit = data.get("unit")
    if unit is not None and (not isinstance(unit, str) or len(unit) > 16):
        problems.append((at + ["unit"], "Should be text of at most 16 characters, or null"))
    if "recorded_at" in data:
        recorded_at = utc(data["recorded_at"])
        if recorded_at is None:
            problems.append((at + ["recorded_at"], "Should be an ISO 8601 time with an offset"))
        elif recorded_at > now + MAX_AHEAD:
            problems.append((at + ["recorded_at"], "Should be at most 5 minutes in the future"))
    if "seq" in data and not is_seq(data["seq"]):
        problems.append((at + ["seq"], f"Should be a whole number from 0 to {MAX_SEQ}"))
    return problems


def readings_in(body: Any, now: datetime) -> tuple[list[dict[str, Any]], bool]:
    """The readings of a POST body, and whether it was a batch (``{"readings": [...]}``).

    Any problem refuses the whole body; in a batch, ``details["index"]`` names the first
    reading that is wrong, and two readings with the same ``seq`` are refused too.
    """
    if not (isinstance(body, dict) and "readings" in body):
        refuse(reading_problems(body, [], now))
        return [body], False
    refuse(field_problems(body, required=("readings",), at=[]))
    items = body["readings"]
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_BATCH:
        refuse([(["readings"], f"Should be a list of 1 to {MAX_BATCH} readings")])
    seen: set[int] = set()
    for index, item in enumerate(items):
        refuse(reading_problems(item, ["readings", index], now), index=index)
        if "seq" in item:
            if item["seq"] in seen:
                message = f"seq {item['seq']} comes twice in this batch"
                refuse([(["readings", index, "seq"], message)], index=index)
            seen.add(item["seq"])
    return items, True


def command_problems(data: Any) -> list[Problem]:
    """Problems of a new command: ``{"name": slug, "value": text of at most 256}``."""
    problems = field_problems(data, required=("name", "value"), at=[])
    if problems:
        return problems
    if not is_slug(data["name"]):
        problems.append((["name"], SLUG_MESSAGE))
    if not isinstance(data["value"], str) or len(data["value"]) > 256:
        problems.append((["value"], "Should be text of at most 256 characters"))
    return problems


def ack_problems(data: Any) -> list[Problem]:
    """Problems of an acknowledgement: ``{"status": "done" or "failed", "detail": text}``."""
    problems = field_problems(data, required=("status",), optional=("detail",), at=[])
    if problems:
        return problems
    if data["status"] not in ("done", "failed"):
        problems.append((["status"], "Input should be 'done' or 'failed'"))
    detail = data.get("detail")
    if detail is not None and (not isinstance(detail, str) or len(detail) > 500):
        problems.append((["detail"], "Should be text of at most 500 characters, or null"))
    return problems


def window_args() -> dict[str, Any]:
    """The query string's ``sensor``, ``since`` and ``until`` (None when left out); 400 if wrong."""
    args: dict[str, Any] = {"sensor": request.args.get("sensor")}
    problems: list[Problem] = []
    if args["sensor"] is not None and not is_slug(args["sensor"]):
        problems.append((["query", "sensor"], SLUG_MESSAGE))
    for name in ("since", "until"):
        text = request.args.get(name)
        args[name] = None if text is None else utc(text)
        if text is not None and args[name] is None:
            problems.append((["query", name], "Should be an ISO 8601 time with an offset"))
    refuse(problems)
    return args


def whole_number_arg(name: str, default: int, lowest: int, highest: int) -> int:
    """A whole number from the query string, from lowest to highest; 400 otherwise."""
    text = request.args.get(name)
    if text is None:
        return default
    digits = text.isascii() and text.isdigit() and len(text) <= 18
    if not digits or not lowest <= int(text) <= highest:
        refuse([(["query", name], f"Should be a whole number from {lowest} to {highest}")])
    return int(text)
