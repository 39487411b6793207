"""The dashboard's own template filter, ``when``: ``{% load dashboard %}`` at the top of a
template makes it available there (each template loads it, even one that extends another)."""

from __future__ import annotations

from datetime import datetime

from django import template

register = template.Library()


# --8<-- [start:when]
@register.filter
def when(moment: datetime | str | None) -> str:
    """``{{ device.last_seen_at|when }}`` gives ``2026-11-24 10:00:05 UTC`` (from a datetime,
    or from the API's ISO 8601 text such as ``2026-11-24T10:00:05Z``)."""
    if moment is None:
        return "never"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")
# --8<-- [end:when]
