"""What a cursor is: the time and id of the last reading shown, encoded so it fits in a URL."""

import base64
from datetime import UTC, datetime

from django_hub import finished_project

with finished_project():
    from hub.models import Reading
    from hub.pagination import decode_cursor, encode_cursor

    last = Reading(id=4, recorded_at=datetime(2025, 6, 1, 12, 0, tzinfo=UTC))  # not stored
    cursor = encode_cursor(last)
    print("cursor:", cursor)
    print("inside:", base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    print("decoded:", decode_cursor(cursor))
