"""The rate limit: at most so many requests per window for each device key.

``create_app(rate_limit="5/minute")`` (or ``running_hub(rate_limit=...)``) turns it on; by
default there is none. A device over its limit gets ``429 rate_limited`` with a
``Retry-After`` header in whole seconds, like the project's hub with ``HUB_RATE_LIMIT``.
The counts are kept in fixed windows, in a dictionary of this one process.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable

from flask import current_app

from .errors import APIError

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(text: str | None) -> tuple[int, int] | None:
    """``"120/minute"`` as ``(120, 60)``; None for no limit (None, ``""`` or ``"0"``)."""
    text = (text or "").strip()
    if text in ("", "0"):
        return None
    match = re.fullmatch(r"(\d+)/(second|minute|hour|day)", text)
    if match is None or int(match[1]) < 1:
        raise ValueError(f"rate limit {text!r}: write it like '120/minute' (or '0' for off)")
    return int(match[1]), PERIODS[match[2]]


class RateLimiter:
    """At most ``limit`` requests in each window of ``period`` seconds, for each key."""

    def __init__(self, limit: int, period: int, clock: Callable[[], float] = time.monotonic):
        self.limit, self.period, self.clock = limit, period, clock
        self.windows: dict[str, tuple[float, int]] = {}  # key -> (window start, requests)
        self.lock = threading.Lock()

    def hit(self, key: str) -> int:
        """Count one request of ``key``: 0 if it may go on, else the seconds to wait."""
        now = self.clock()
        with self.lock:
            start, count = self.windows.get(key, (now, 0))
            if now - start >= self.period:
                start, count = now, 0
            if count >= self.limit:
                return max(1, math.ceil(start + self.period - now))
            self.windows[key] = (start, count + 1)
            return 0


def check_rate_limit(device_id: str) -> None:
    """429 ``rate_limited`` with ``Retry-After`` when the device is over the app's limit."""
    limiter: RateLimiter | None = current_app.extensions.get("hubkit_rate_limiter")
    if limiter is None:
        return
    wait = limiter.hit(device_id)
    if wait:
        raise APIError(
            429, "rate_limited",
            f"Device {device_id!r} sent more than {limiter.limit} requests in "
            f"{limiter.period} seconds; try again in {wait} seconds.",
            {"retry_after": wait}, headers={"Retry-After": str(wait)},
        )
