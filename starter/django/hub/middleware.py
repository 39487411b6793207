"""The hub's middleware: the 413 for a large body; the session, user and messages of the pages
for people (the admin site and the dashboard), never the API's."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse

from .exceptions import error_response

# --8<-- [start:pages]
ADMIN_PREFIX = "/admin/"
DASHBOARD_PREFIX = "/dashboard/"
PAGE_PREFIXES = (ADMIN_PREFIX, DASHBOARD_PREFIX)
"""The pages for people (the admin site, the dashboard): they keep a session; the API does not."""


def declared_length(request: HttpRequest) -> int:
    """The body's length from Content-Length (0 when absent or not a number)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class BodySizeLimitMiddleware:
    """Answer 413 in the envelope when Content-Length is over HUB_MAX_BODY_BYTES.

    It is the first middleware (config/settings/base.py), so a large body is refused before
    anything reads it: before the device is looked up and before any credentials are checked.
    A body sent without Content-Length (chunked) is buffered by hub.wsgi.buffer_chunked_body,
    which sets Content-Length from what it read, so it is checked here too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.limit = settings.HUB_MAX_BODY_BYTES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Refuse a body over the limit; pass every other request on."""
        ### BEGIN SOLUTION (stage 5, addition) refuse bodies over HUB_MAX_BODY_BYTES with 413
        if declared_length(request) > self.limit:
            message = f"The request body is larger than {self.limit} bytes."
            return error_response(413, message, {"max_bytes": self.limit})
        ### END SOLUTION
        return self.get_response(request)


class AdminOnlyMixin:
    """Run a middleware for the pages for people only (PAGE_PREFIXES); the API skips it.

    Sessions, the logged-in user and messages are the admin site's and the dashboard's: the
    API authenticates each request by its key or token and keeps no state, so it need not
    load or save them. The classes stay subclasses of Django's, so the admin's system checks
    still find them.
    """

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(PAGE_PREFIXES):
            return super().__call__(request)
        return self.get_response(request)
# --8<-- [end:pages]


class AdminSessionMiddleware(AdminOnlyMixin, SessionMiddleware):
    """Django's SessionMiddleware, for the admin site and the dashboard only."""


class AdminAuthenticationMiddleware(AdminOnlyMixin, AuthenticationMiddleware):
    """Django's AuthenticationMiddleware (request.user), for the admin and dashboard only."""


class AdminMessageMiddleware(AdminOnlyMixin, MessageMiddleware):
    """Django's MessageMiddleware, for the admin site and the dashboard only."""
