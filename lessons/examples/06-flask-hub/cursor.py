"""What a cursor is: the time and id of the last reading shown, encoded so it fits in a URL."""

import base64
import sys
from datetime import UTC, datetime

from lesson_hub import STARTER

sys.path.insert(0, str(STARTER))
from hub.schemas import encode_cursor  # noqa: E402

cursor = encode_cursor(datetime(2025, 6, 1, 12, 0, tzinfo=UTC), 4)
print("cursor:", cursor)
print("inside:", base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
