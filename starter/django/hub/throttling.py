"""Rate limiting with DRF's throttling: each device key may make `HUB_RATE_LIMIT` requests.

`HUB_RATE_LIMIT` (settings, from the environment) reads like "120/minute": a number of
requests, a slash, and one of second, minute, hour or day; empty or "0" turns it off. DRF
already knows that format: a throttle class is asked `allow_request()` after the
authentication and permission checks of each request, and when it says no, DRF raises
`Throttled`, which answers 429 with a `Retry-After` header (hub.exceptions puts it in the
envelope, code `rate_limited`).

`SimpleRateThrottle` keeps, for each key, the times of its recent requests in Django's
cache (a sliding window). The default cache is memory in one process: behind gunicorn with
four workers, each counts on its own, so a device gets up to four times the limit. A real
deployment points `CACHES` at a cache all workers share, such as Redis.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


# --8<-- [start:device-rate-throttle]
class DeviceRateThrottle(SimpleRateThrottle):
    """At most HUB_RATE_LIMIT requests per window for each device key."""

    scope = "device"

    def get_rate(self) -> str | None:
        """The limit from settings; None (no limit) when it is empty or "0"."""
        rate = settings.HUB_RATE_LIMIT
        return None if rate in ("", "0") else rate

    def get_cache_key(self, request: Request, view) -> str | None:
        """Count the requests of the device whose key was sent (request.auth)."""
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
# --8<-- [end:device-rate-throttle]
