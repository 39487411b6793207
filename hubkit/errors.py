"""The error envelope: every error the hub answers looks the same.

::

    {"error": {"code": "not_found", "message": "There is no device 'attic'.", "details": null}}

A view raises :class:`APIError`; the handlers below turn it, and the errors Flask raises by
itself (404 for an unknown path, 405 for a wrong method, 413 for a body too large), into
that JSON.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

CODES = {
    400: "validation_error",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}
"""The envelope's ``code`` for each status, when Flask raises the error itself."""


class APIError(Exception):
    """An error answered with the envelope: ``raise APIError(409, "conflict", "...")``.

    :attr:`status` is the HTTP status code, :attr:`code` the envelope's code, and
    :attr:`details` anything that helps (the fields that were wrong, say).
    """

    def __init__(
        self, status: int, code: str, message: str, details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}  # e.g. Retry-After on a 429


def envelope(status: int, code: str, message: str, details: Any = None) -> Response:
    """A JSON answer holding the error envelope."""
    response = jsonify({"error": {"code": code, "message": message, "details": details}})
    response.status_code = status
    return response


def answer_api_error(error: APIError) -> Response:
    """The answer to an :class:`APIError` that a view raised."""
    response = envelope(error.status, error.code, error.message, error.details)
    response.headers.update(error.headers)
    return response


def answer_http_exception(error: HTTPException) -> Response:
    """The answer to an error that Flask raised by itself, in the envelope."""
    status = error.code or 500
    response = envelope(status, CODES.get(status, "validation_error"), str(error.description))
    allowed = getattr(error, "valid_methods", None)
    if allowed:  # a 405 says which methods the path accepts
        response.headers["Allow"] = ", ".join(allowed)
    return response


def init_app(app: Flask) -> None:
    """Answer every error of ``app`` with the envelope."""
    app.register_error_handler(APIError, answer_api_error)
    app.register_error_handler(HTTPException, answer_http_exception)
