"""Request validation: reading a JSON body, and pydantic models for what it must hold.

A view never trusts ``request.json``. It calls :func:`read_json` (the right content type,
valid JSON), then :func:`validate` with a pydantic model, which turns every problem into a
400 ``validation_error`` naming the fields::

    {"error": {"code": "validation_error", "message": "...",
               "details": {"fields": [{"loc": ["value"], "msg": "Input should be ..."}]}}}

The models are strict where the contract is: ``value`` must be a finite JSON number
(``"21.5"``, ``true``, ``NaN`` and ``1e400``, which reads as infinity, are refused), ``seq``
a whole number that fits the database, and unknown fields are an error, not ignored. Text
with a length limit or a pattern must also be valid Unicode: pydantic refuses a lone
surrogate such as ``"\\ud800"``, which the database could not store.

Everything here is written for you except :func:`read_json`; the helpers at the end
(cursors, batches, hostile bodies) are used by later stages. Stage 5 adds two checks to
this module's functions, for bodies built to hurt (see the ``# TODO stage 5`` lines).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar

from flask import Flask, current_app, request
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
)
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import BaseConverter

from .errors import APIError

SLUG_PATTERN = r"[a-z0-9_-]{1,64}"
"""A device id, sensor or command name: lowercase letters, digits, - and _; 1 to 64 long."""

MAX_FUTURE = timedelta(minutes=5)
"""How far ahead of the hub's clock a device's ``recorded_at`` may be."""

MAX_BATCH = 500
"""The most readings one request may carry."""

MAX_SEQ = 2**63 - 1
"""The largest ``seq``: what a 64-bit signed database integer holds."""

MAX_NESTING = 64
"""How deeply arrays and objects may nest in a body (the hub's own bodies nest 3 deep)."""

# JSON Schema's ``\S`` is JavaScript's: these are the characters it calls white space.
_JSON_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_NOT_ONLY_SPACE = re.compile(f"[^{_JSON_SPACE}]")
# A JSON string (possessive, so an unfinished one costs one pass), and a bracket.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*+(?:"|\Z)', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")

Model = TypeVar("Model", bound=BaseModel)


class SlugConverter(BaseConverter):
    """The URL part ``<slug:device_id>``: a path whose id is not a slug matches no route (404)."""

    regex = SLUG_PATTERN


def init_app(app: Flask) -> None:
    """Add the ``slug`` URL converter; at stage 5, refuse oversized bodies before anything else."""
    app.url_map.converters["slug"] = SlugConverter
    ### BEGIN SOLUTION (stage 5, addition) refuse bodies over HUB_MAX_BODY_BYTES (413) first
    app.config["MAX_CONTENT_LENGTH"] = app.config["HUB_MAX_BODY_BYTES"]
    app.before_request(read_body_early)
    ### END SOLUTION


# --8<-- [start:read_json]
def read_json() -> Any:
    """Return the request's body, parsed as JSON.

    A body sent with another ``Content-Type`` than ``application/json`` (``request.is_json``
    says whether it is) is 415 ``unsupported_media_type``. Decode the bytes of the body
    (``request.get_data()``) as UTF-8 text and parse it with ``json.loads``; a ``ValueError``
    means the body is not JSON (``UnicodeDecodeError`` for bytes that are not UTF-8,
    ``json.JSONDecodeError`` for broken JSON; both are ValueErrors): 400 ``malformed_json``.
    Any JSON value may come back (a list, a number, ``None``...): the pydantic models say
    which are allowed.
    """
    # --8<-- [end:read_json]
    ### BEGIN SOLUTION (stage 5, addition) refuse JSON nested too deeply before parsing it
    refuse_hostile_json(request.get_data())
    ### END SOLUTION
    ### BEGIN SOLUTION (stage 1)
    if not request.is_json:
        raise APIError(
            415,
            "unsupported_media_type",
            "Send the body as JSON with the header Content-Type: application/json.",
        )
    try:
        return json.loads(request.get_data().decode("utf-8"))
    except ValueError as error:
        raise APIError(400, "malformed_json", f"The body is not valid JSON: {error}.") from None
    ### END SOLUTION


# --8<-- [start:validate_doc]
def validate(model: type[Model], data: Any) -> Model:
    """Validate ``data`` with a pydantic model, or raise 400 ``validation_error`` naming the fields.

    ``validate(DeviceCreate, read_json())`` returns a ``DeviceCreate`` whose fields are all
    checked (``data.id``, ``data.name``, ...).
    """
    # --8<-- [end:validate_doc]
    ### BEGIN SOLUTION (stage 5, addition) refuse text that is not valid Unicode
    refuse_lone_surrogates(data)
    ### END SOLUTION
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields = field_errors(error)
        raise APIError(400, "validation_error", summarise(fields), {"fields": fields}) from None


def field_errors(error: ValidationError) -> list[dict[str, Any]]:
    """Turn pydantic's errors into ``[{"loc": [...], "msg": "..."}]``."""
    return [{"loc": list(item["loc"]), "msg": plain_message(item)} for item in error.errors()]


def plain_message(item: Any) -> str:
    """Say a pydantic error in the API's words (JSON objects, not Python classes)."""
    if item["type"] in ("model_type", "dict_type"):
        return "Input should be a JSON object"
    return str(item["msg"]).removeprefix("Value error, ")


def summarise(fields: list[dict[str, Any]]) -> str:
    """Say in one sentence what was wrong with the first field."""
    first = fields[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    more = f" (and {len(fields) - 1} more problem(s))" if len(fields) > 1 else ""
    return f"Invalid {where}: {first['msg']}{more}."


# --- values ------------------------------------------------------------------------------


def parse_timestamp(value: Any) -> datetime:
    """Parse ISO 8601 text that carries an offset, and return it in UTC.

    ``2026-11-24T10:00:00Z`` and ``2026-11-24T11:00:00+01:00`` are the same moment. A time
    without an offset is refused: the hub cannot know which zone the device meant.
    """
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 string such as 2026-11-24T10:00:00+00:00")
    try:
        moment = datetime.fromisoformat(value.upper())
    except ValueError:
        raise ValueError(
            "must be ISO 8601 with an offset, such as 2026-11-24T10:00:00+00:00 "
            "(in a URL, write + as %2B)"
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("must carry a UTC offset, such as +00:00 or Z")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of the range of dates the hub can store") from None


def not_in_future(moment: datetime | None) -> datetime | None:
    """Refuse a time more than five minutes ahead of the hub's clock (a device's clock is off)."""
    if moment is not None and moment > datetime.now(UTC) + MAX_FUTURE:
        raise ValueError("is more than 5 minutes in the future; check the device's clock")
    return moment


def not_only_space(value: str) -> str:
    """Refuse text that is empty or only white space (as JSON Schema's ``\\S`` sees white space)."""
    if not _NOT_ONLY_SPACE.search(value):
        raise ValueError("must not be only white space")
    return value


def whole_number(value: Any) -> int:
    """Accept a JSON integer: as in JSON Schema, ``7.0`` is the integer 7; ``true`` is not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be a whole number")
    return value


# --8<-- [start:types]
Slug = Annotated[StrictStr, Field(pattern=f"^{SLUG_PATTERN}$")]
Name = Annotated[StrictStr, Field(min_length=1, max_length=100), AfterValidator(not_only_space)]
Kind = Annotated[StrictStr, Field(min_length=1, max_length=32), AfterValidator(not_only_space)]
# strict: a JSON number only (not "21.5", not true); NaN, and 1e400 (which reads as infinity),
# are not finite and refused; a 400-digit integer fits no float and is refused too.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Seq = Annotated[StrictInt, BeforeValidator(whole_number), Field(ge=0, le=MAX_SEQ)]
Timestamp = Annotated[datetime, BeforeValidator(parse_timestamp)]
# --8<-- [end:types]


# --- request bodies ------------------------------------------------------------------------


# --8<-- [start:device_create]
class Body(BaseModel):
    """Base of the request bodies: unknown fields are an error, and the models are read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class DeviceCreate(Body):
    """``POST /api/v1/devices``."""

    id: Slug
    name: Name
    kind: Kind
# --8<-- [end:device_create]


# --8<-- [start:reading_models]
class ReadingCreate(Body):
    """One reading, alone or inside a batch."""

    sensor: Slug
    value: Number
    unit: Annotated[StrictStr, Field(max_length=16)] | None = None
    # Optional, but not nullable: leave them out rather than send null. (pydantic does not
    # validate a default, so a missing field becomes None while an explicit null is refused.)
    recorded_at: Annotated[Timestamp, AfterValidator(not_in_future)] = None  # type: ignore[assignment]
    seq: Seq = None  # type: ignore[assignment]


class ReadingBatch(Body):
    """``{"readings": [...]}``: 1 to 500 readings, stored all or none."""

    readings: Annotated[list[ReadingCreate], Field(min_length=1, max_length=MAX_BATCH)]
# --8<-- [end:reading_models]


# --8<-- [start:command_models]
class CommandCreate(Body):
    """``POST /api/v1/devices/<id>/commands``."""

    name: Slug
    value: Annotated[StrictStr, Field(max_length=256)]


class CommandAck(Body):
    """``POST /api/v1/devices/<id>/commands/<id>/ack``."""

    status: Literal["done", "failed"]
    detail: Annotated[StrictStr, Field(max_length=500)] | None = None
# --8<-- [end:command_models]


# --- query strings ---------------------------------------------------------------------------


# --8<-- [start:query_models]
class Query(BaseModel):
    """Base of the query-string models: text in, typed values out; unknown parameters ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


Limit = Annotated[int, BeforeValidator(lambda text: parse_query_int(text, 1000)), Field(ge=1)]


class Window(Query):
    """``sensor``, ``since`` and ``until``: which readings a query looks at."""

    sensor: Slug | None = None
    since: Timestamp | None = None
    until: Timestamp | None = None


class ReadingQuery(Window):
    """``GET .../readings``: a window, a page size and where the page starts."""

    limit: Limit = 100
    cursor: StrictStr | None = None


class StatsQuery(Window):
    """``GET .../readings/stats``: the sensor is required."""

    sensor: Slug
# --8<-- [end:query_models]


# --8<-- [start:command_query]
class CommandQuery(Query):
    """``GET .../commands``: which commands to list."""

    status: Literal["pending", "done", "failed", "all"] = "pending"
# --8<-- [end:command_query]


def parse_query_int(text: Any, maximum: int) -> int:
    """Parse a small non-negative integer from a query string, refusing huge ones before int()."""
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{1,18}", text):
        raise ValueError(f"must be a whole number from 1 to {maximum}")
    number = int(text)
    if number > maximum:
        raise ValueError(f"must be a whole number from 1 to {maximum}")
    return number


def query_args(model: type[Model]) -> Model:
    """Validate the request's query string (first value of each parameter) with ``model``."""
    return validate(model, request.args.to_dict(flat=True))


# --- cursors -------------------------------------------------------------------------------


# --8<-- [start:encode_cursor]
def encode_cursor(recorded_at: datetime, reading_id: int) -> str:
    """Make the opaque ``cursor`` that points just after a reading."""
    raw = f"{recorded_at.isoformat()}|{reading_id}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
# --8<-- [end:encode_cursor]


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """Read a cursor back, or raise 400 when it was not made by :func:`encode_cursor`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        moment, _, reading_id = raw.partition("|")
        if not re.fullmatch(r"[0-9]{1,18}", reading_id):
            raise ValueError("bad id")
        return parse_timestamp(moment), int(reading_id)
    except (ValueError, binascii.Error):
        details = {"fields": [{"loc": ["cursor"], "msg": "Invalid cursor"}]}
        raise APIError(
            400, "validation_error", "Invalid cursor: take it from a page's next link.", details
        ) from None


# --- readings ------------------------------------------------------------------------------


def validate_readings(payload: Any) -> tuple[list[ReadingCreate], bool]:
    """Validate one reading or a batch; return the readings and whether it was a batch.

    A batch is ``{"readings": [...]}``; anything else is one reading. A refused batch names
    the first offending reading in ``details.index``, and two readings with the same ``seq``
    are refused at the index of the second: nothing of a refused batch is stored.
    """
    if not (isinstance(payload, dict) and "readings" in payload):
        return [validate(ReadingCreate, payload)], False
    try:
        batch = validate(ReadingBatch, payload)
    except APIError as error:  # name the first offending reading, as details.index
        raise batch_error(error.details["fields"]) from None
    seen: set[int] = set()
    for index, reading in enumerate(batch.readings):
        if reading.seq is not None and reading.seq in seen:
            msg = f"seq {reading.seq} appears twice in this batch"
            raise batch_error([{"loc": ["readings", index, "seq"], "msg": msg}])
        if reading.seq is not None:
            seen.add(reading.seq)
    return list(batch.readings), True


def batch_error(fields: list[dict[str, Any]]) -> APIError:
    """Build the 400 for a batch, keeping the errors of the first offending reading only."""
    indexes = [f["loc"][1] for f in fields if len(f["loc"]) > 1 and isinstance(f["loc"][1], int)]
    details: dict[str, Any] = {"fields": fields}
    if indexes:
        index = min(indexes)
        details = {"fields": [f for f in fields if f["loc"][1:2] == [index]], "index": index}
    return APIError(400, "validation_error", summarise(details["fields"]), details)


# --- hostile bodies (stage 5) ------------------------------------------------------------


def read_body_early() -> None:
    """Read (and cache) the body before the view, letting Werkzeug raise 413 past the limit.

    Registered with ``app.before_request`` at stage 5, so an oversized body is refused
    before anything else: before the credentials, before the device is looked up. Werkzeug
    compares ``Content-Length`` with ``MAX_CONTENT_LENGTH`` when the body is read.

    A chunked body (``Transfer-Encoding: chunked``) has no Content-Length. Servers that
    de-chunk it (gunicorn, Werkzeug's) say so with ``wsgi.input_terminated``, and Werkzeug
    then counts the bytes as it reads. In-process test transports hand over the whole body
    without saying so; we say it for them, so the limit holds there too.
    """
    if "chunked" not in request.headers.get("Transfer-Encoding", "").lower():
        request.get_data(cache=True)  # Werkzeug refuses a Content-Length over the limit
        return
    request.environ.setdefault("wsgi.input_terminated", True)
    data = request.get_data(cache=True)  # stops reading at the limit, without an error
    at_limit = len(data) >= current_app.config["MAX_CONTENT_LENGTH"]
    if at_limit and request.environ["wsgi.input"].read(1):  # ... and more was sent
        raise RequestEntityTooLarge()


def refuse_hostile_json(body: bytes) -> None:
    """Refuse, with 400 ``malformed_json``, a body that ``json.loads`` would crash on.

    ``json.loads`` raises ``JSONDecodeError`` for text that is not JSON, but two other
    errors for bodies built to hurt: ``UnicodeDecodeError`` for bytes that are not UTF-8
    (it reads bytes as UTF-8), and ``RecursionError`` for arrays nested thousands deep (it
    calls itself once per level). Uncaught, both are a 500.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        message = f"The body is not UTF-8 text (byte {error.start} is not valid)."
        raise APIError(400, "malformed_json", message) from None
    brackets = text.count("[") + text.count("{")  # cheap: few bodies hold this many
    if brackets > MAX_NESTING and nests_deeper_than(text, MAX_NESTING):
        message = f"The JSON nests arrays and objects more than {MAX_NESTING} deep."
        raise APIError(400, "malformed_json", message)


def refuse_lone_surrogates(data: Any) -> None:
    """Refuse, with 400 ``validation_error``, JSON holding text the database cannot store.

    JSON lets a client escape half of a surrogate pair (``"\\ud800"``); Python reads it into
    a ``str`` that cannot be encoded as UTF-8. pydantic refuses such text in the fields it
    measures or matches (a length limit, a pattern), not in the others: this looks at every
    string of the body, the keys of its objects included.
    """
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                fields = [{"loc": [], "msg": "Text must be valid Unicode (no lone surrogates)"}]
                details = {"fields": fields}
                raise APIError(400, "validation_error", summarise(fields), details) from None


def nests_deeper_than(text: str, limit: int) -> bool:
    """Whether the arrays and objects of JSON text nest more than ``limit`` deep.

    It counts brackets without parsing, leaving out the strings (an unfinished one runs to
    the end), and stops at the first bracket past the limit.
    """
    depth = 0
    for bracket in _BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if bracket[0] in "[{" else -1
        if depth > limit:
            return True
    return False
