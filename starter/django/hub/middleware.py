"""Refuse a body larger than HUB_MAX_BODY_BYTES with 413, before anything else looks at it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .exceptions import error_response


def declared_length(request: HttpRequest) -> int:
    """The body's length from Content-Length (0 when absent or not a number)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class BodySizeLimitMiddleware:
    """Answer 413 in the envelope when Content-Length is over the limit.

    A body sent without Content-Length (chunked) is buffered by hub.wsgi.buffer_chunked_body,
    which sets Content-Length from what it read, so it is checked here too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.HUB_MAX_BODY_BYTES
        if declared_length(request) > limit:
            return error_response(
                413,
                f"The request body is larger than {limit} bytes.",
                {"max_bytes": limit},
            )
        return self.get_response(request)
