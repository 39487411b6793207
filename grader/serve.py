"""The WSGI entry point gunicorn loads in the sandbox: the student's app, draining bodies.

    GRADER_WSGI_TARGET=wsgi:app gunicorn --pythonpath <sandbox>/serve 'blink_serve:drained_app()'

A hub that refuses an oversized body (413) answers before reading it. Gunicorn then closes
the connection while the client is still sending, and the client sees a reset instead of
the 413 it was promised. Werkzeug's development server and Django's runserver read the
rest of the body first; this wrapper does the same, so a correct hub passes under the
grader exactly as it does on a student's laptop. It runs inside the student's server
process, so it is not trusted and needs no trust: it only helps the student's app answer.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["drained_app"]

_DRAIN_LIMIT = 64 << 20


def drained_app() -> Callable[..., Iterable[bytes]]:
    """Import GRADER_WSGI_TARGET (module:attribute) and wrap it."""
    module_name, _, attribute = os.environ["GRADER_WSGI_TARGET"].partition(":")
    inner = getattr(importlib.import_module(module_name), attribute)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        result = inner(environ, start_response)
        try:
            body = list(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        _drain(environ.get("wsgi.input"))
        return body

    return app


def _drain(stream: Any) -> None:
    """Read and drop what the app left unread of the request body (up to 64 MiB)."""
    if stream is None:
        return
    left = _DRAIN_LIMIT
    while left > 0:
        chunk = stream.read(min(left, 1 << 16))
        if not chunk:
            return
        left -= len(chunk)
