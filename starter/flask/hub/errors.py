"""The error envelope: every error the hub answers looks the same.

::

    {"error": {"code": "validation_error", "message": "...", "details": {...}}}

Our own code raises :class:`APIError` (``raise APIError(409, "conflict", "...")``). Errors
that Flask raises itself (an unknown path, a wrong method, ``db.get_or_404`` finding
nothing, a body that is too large) are ``werkzeug.exceptions.HTTPException``; Flask answers
those with an HTML page unless a handler turns them into the same envelope, which is what
:func:`handle_http_exception` is for.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError

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


# --8<-- [start:api_error]
class APIError(Exception):
    """An error to answer with the envelope: raise it anywhere in a view."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: Any = None
) -> Response:
    """Build a JSON response holding the error envelope."""
    response = jsonify({"error": {"code": code, "message": message, "details": details}})
    response.status_code = status
    if headers:
        response.headers.update(headers)
    return response
# --8<-- [end:api_error]


def handle_api_error(error: APIError) -> Response:
    """Answer an APIError raised by our own code."""
    return error_response(error.status, error.code, error.message, error.details, error.headers)


# --8<-- [start:handle_http_exception]
def handle_http_exception(error: HTTPException) -> Response:
    """Answer an error that Flask or Werkzeug raised (404, 405, ...) with the envelope.

    ``error.code`` is the status (404), ``error.description`` says what went wrong, and
    ``CODES`` gives the envelope's code (``not_found``); :func:`error_response` builds the
    answer. Keep the headers the error carries (``error.get_headers()``: a 405 lists the
    methods the URL accepts in ``Allow``), but not its ``Content-Type``: the answer is JSON
    now, not HTML.
    """
    # --8<-- [end:handle_http_exception]
    ### BEGIN SOLUTION (stage 1)
    status = error.code or 500
    code = CODES.get(status, "bad_request")
    headers = {name: value for name, value in error.get_headers() if name != "Content-Type"}
    return error_response(status, code, str(error.description), headers=headers)
    ### END SOLUTION


def handle_not_implemented(error: NotImplementedError) -> Response:
    """Answer 501 for a part of the starter that is still to be written."""
    message = str(error) or "This endpoint is not written yet."
    return error_response(501, "not_implemented", message)


def handle_internal_error(error: InternalServerError) -> Response:
    """Answer an unexpected failure with the envelope; the traceback goes to the log."""
    message = "The hub failed to answer this request. The server log has the details."
    return error_response(500, "internal_error", message)


# --8<-- [start:register_handlers]
def init_app(app: Flask) -> None:
    """Register the handlers that turn every error into the envelope."""
    app.register_error_handler(APIError, handle_api_error)
    app.register_error_handler(InternalServerError, handle_internal_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(NotImplementedError, handle_not_implemented)
# --8<-- [end:register_handlers]
