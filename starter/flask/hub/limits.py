"""Rate limiting: each device key may send at most ``HUB_RATE_LIMIT`` requests.

This module is written for you: it reads the setting and counts. The check that answers
429 is ``check_rate_limit()`` in ``hub/auth.py`` (stage 5).

``HUB_RATE_LIMIT`` reads like ``"120/minute"``: a number of requests, a slash, and one of
``second``, ``minute``, ``hour`` or ``day``. Unset, empty or ``"0"`` turns the limit off.
A device over its limit gets ``429 rate_limited`` in the error envelope, with a
``Retry-After`` header that says in whole seconds when to try again.

The count is kept in a dictionary, in fixed windows: a device's window starts with its
first request and lasts one period; the requests in it are counted; the next request after
the period starts a new window. That dictionary lives in one process: behind gunicorn with
four workers, each worker counts on its own, so a device gets up to four times the limit.
A real deployment keeps the counts in one place all workers share, such as Redis.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable

from flask import Flask

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
"""The seconds in each period that ``HUB_RATE_LIMIT`` may name."""


# --8<-- [start:parse_rate]
def parse_rate(text: str) -> tuple[int, int] | None:
    """Read ``"120/minute"`` as ``(120, 60)``: requests, and seconds in the window.

    ``""`` and ``"0"`` mean no limit (None); anything else that does not fit raises
    ValueError.
    """
    text = text.strip()
    if text in ("", "0"):
        return None
    match = re.fullmatch(r"(\d+)/(second|minute|hour|day)", text)
    if match is None or int(match[1]) < 1:
        raise ValueError(f"HUB_RATE_LIMIT={text!r}: write it like '120/minute' (or '0' for off)")
    return int(match[1]), PERIODS[match[2]]
# --8<-- [end:parse_rate]


# --8<-- [start:rate_limiter]
class RateLimiter:
    """At most ``limit`` requests in each window of ``period`` seconds, for each key.

    ``clock`` returns the time in seconds (``time.monotonic``, which never goes back when
    the computer's clock is set); a test passes its own, to move time by hand.
    """

    def __init__(self, limit: int, period: int, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.period = period
        self.clock = clock
        self.windows: dict[str, tuple[float, int]] = {}  # key -> (window start, requests)
        self.lock = threading.Lock()  # the server answers several requests at once

    def hit(self, key: str) -> int:
        """Count one request of ``key``: 0 if it may go on, else the seconds to wait."""
        now = self.clock()
        with self.lock:
            start, count = self.windows.get(key, (now, 0))
            if now - start >= self.period:  # that window is over: start a new one
                start, count = now, 0
            if count >= self.limit:
                return max(1, math.ceil(start + self.period - now))
            self.windows[key] = (start, count + 1)
            return 0
# --8<-- [end:rate_limiter]


def init_app(app: Flask) -> None:
    """Make the app's limiter from ``HUB_RATE_LIMIT`` (None when the limit is off)."""
    rate = parse_rate(str(app.config.get("HUB_RATE_LIMIT") or ""))
    app.extensions["hub_rate_limiter"] = RateLimiter(*rate) if rate else None
