"""Pages of readings, newest first, linked by a cursor: where the previous page ended.

A page of readings is ordered by `recorded_at` (newest first), then by `id` (two readings may
share a time). The cursor names the last reading of a page by both; the next page is the
readings that come after it in that order. Unlike `?page=3` (OFFSET), a cursor finds its place
with the index and is not thrown off by readings that arrive while a client pages.

The cursor is opaque to clients: `recorded_at|id` in URL-safe base64.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Q
from rest_framework.request import Request

from .models import Reading


# --8<-- [start:cursor-and-after]
def encode_cursor(reading: Reading) -> str:
    """The cursor of a page that ends with `reading`."""
    raw = f"{reading.recorded_at.isoformat()}|{reading.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (recorded_at, id) a cursor names; ValueError if it is not one this hub gave out."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeError):
        raise ValueError("not base64 text") from None
    moment, _, reading_id = raw.partition("|")
    recorded_at = datetime.fromisoformat(moment)
    if recorded_at.tzinfo is None or not reading_id.isdigit() or len(reading_id) > 18:
        raise ValueError("not a cursor")
    return recorded_at, int(reading_id)


def after(position: tuple[datetime, int]) -> Q:
    """The filter for the readings after `position`: older, or as old with a lower id."""
    recorded_at, reading_id = position
    return Q(recorded_at__lt=recorded_at) | Q(recorded_at=recorded_at, id__lt=reading_id)
# --8<-- [end:cursor-and-after]


# --8<-- [start:next-page-url]
def next_page_url(request: Request, last: Reading) -> str:
    """The URL of the page after the one ending with `last`: the same query, and a cursor."""
    query = {**request.query_params.dict(), "cursor": encode_cursor(last)}
    return f"{request.path}?{urlencode(query)}"
# --8<-- [end:next-page-url]
