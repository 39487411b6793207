"""A WSGI wrapper that reads a chunked body (no Content-Length) so Django can see it.

Django reads exactly Content-Length bytes, so without the header it would see an empty body.
The wrapper reads at most HUB_MAX_BODY_BYTES + 1 bytes and sets Content-Length from what it
read; hub.middleware then refuses an over-long body with 413, as for any other.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from django.conf import settings

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def buffer_chunked_body(app: WSGIApp) -> WSGIApp:
    """Wrap a WSGI app so that a body sent without Content-Length is read, up to a bound."""

    def wrapped(environ: dict, start_response: Callable) -> Iterable[bytes]:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            body = environ["wsgi.input"].read(settings.HUB_MAX_BODY_BYTES + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return app(environ, start_response)

    return wrapped
