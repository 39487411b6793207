"""Every error in the contract's envelope: `{"error": {"code", "message", "details"}}`.

    APIException (DRF)                    status  envelope code
    ├── ParseError                        400     malformed_json
    ├── ValidationError                   400     validation_error   (details: fields, index)
    ├── NotAuthenticated                  401     unauthorized
    ├── AuthenticationFailed              401     unauthorized
    ├── PermissionDenied                  403     forbidden
    ├── NotFound                          404     not_found
    ├── MethodNotAllowed                  405     method_not_allowed
    ├── Conflict (ours)                   409     conflict
    ├── UnsupportedMediaType              415     unsupported_media_type
    └── Throttled                         429     rate_limited

(413 payload_too_large comes from hub.middleware, before any view runs.)

`envelope_exception_handler` is DRF's EXCEPTION_HANDLER: every exception raised in a view,
its authentication or its permissions goes through it. `unknown_path` is the view behind
every path the hub does not have. The `bad_request`, `page_not_found`, ... functions are
Django's handler400/403/404/500 (config.urls), for the rare errors outside DRF's views.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler

CODE_BY_STATUS = {
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
ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


# --8<-- [start:conflict]
class Conflict(exceptions.APIException):
    """409: the device id exists already, or the command was acknowledged already."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This conflicts with what the hub has stored."
    default_code = "conflict"
# --8<-- [end:conflict]


def envelope(code: str, message: str, details: Any = None) -> dict:
    """The contract's error body."""
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(
    status_code: int, message: str, details: Any = None, headers: dict | None = None
) -> JsonResponse:
    """A plain Django JSON response in the envelope, for errors outside DRF's views."""
    body = envelope(CODE_BY_STATUS[status_code], message, details)
    return JsonResponse(body, status=status_code, headers=headers)


def field_errors(detail: Any, loc: tuple = ()) -> Iterator[dict]:
    """Flatten DRF's nested error detail into `{"loc": [...], "msg": ...}` items.

    `{"readings": [{}, {"value": ["Not a number."]}]}` (a batch whose second reading is
    wrong) becomes `{"loc": ["readings", 1, "value"], "msg": "Not a number."}`.
    """
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from field_errors(value, loc if key == "non_field_errors" else (*loc, key))
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for position, item in enumerate(detail):
            if item:
                yield from field_errors(item, (*loc, position))
    elif isinstance(detail, list):
        for item in detail:
            yield {"loc": list(loc), "msg": str(item)}
    else:
        yield {"loc": list(loc), "msg": str(detail)}


def batch_index(fields: list[dict]) -> int | None:
    """The position of the first refused reading of a batch (`loc` = ["readings", i, ...])."""
    for field in fields:
        loc = field["loc"]
        if len(loc) > 1 and loc[0] == "readings" and isinstance(loc[1], int):
            return loc[1]
    return None


def validation_body(exc: exceptions.ValidationError) -> dict:
    """The envelope of a validation error: each field's problem, and the batch index if any."""
    fields = list(field_errors(exc.detail))
    details: dict[str, Any] = {"fields": fields}
    index = batch_index(fields)
    if index is not None:
        details["index"] = index
    first = fields[0] if fields else {"loc": [], "msg": "invalid input"}
    where = ".".join(str(part) for part in first["loc"]) or "body"
    prefix = f"Reading {index}: " if index is not None else ""
    return envelope("validation_error", f"{prefix}{where}: {first['msg']}", details)


# --8<-- [start:error-body]
def error_body(exc: Exception) -> dict:
    """The contract's envelope for an exception DRF answers (an APIException, Http404, ...)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, exceptions.ValidationError):
        return validation_body(exc)
    if isinstance(exc, exceptions.ParseError):
        return envelope("malformed_json", str(exc.detail))
    return envelope(CODE_BY_STATUS.get(exc.status_code, "validation_error"), str(exc.detail))
# --8<-- [end:error-body]


# --8<-- [start:envelope-handler]
def envelope_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER (settings.REST_FRAMEWORK): the answer to an error in a view.

    DRF's own `exception_handler` picks the status and the headers (WWW-Authenticate for a
    401, ...) and answers `{"detail": ...}`; None means an unexpected exception, a 500.
    """
    if isinstance(exc, NotImplementedError):  # a part of the hub that is not written yet
        body = envelope("not_implemented", str(exc) or "This part of the hub is not written yet.")
        return Response(body, status=status.HTTP_501_NOT_IMPLEMENTED)
    response = exception_handler(exc, context)
    # --8<-- [end:envelope-handler]
    ### BEGIN SOLUTION (stage 1, addition) answer every error in the contract's envelope
    if response is not None:
        response.data = error_body(exc)
    ### END SOLUTION
    return response


@api_view(ANY_METHOD)
def unknown_path(request: Request) -> Response:
    """The view behind every path the hub does not have (the last pattern in config.urls)."""
    raise exceptions.NotFound(f"There is no {request.path}; the API lives under /api/v1/.")


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    """Django's handler400 (a bad Host header, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, ...)."""
    return error_response(400, "The request is malformed.")


def permission_denied(request: HttpRequest, exception: Exception) -> JsonResponse:
    """Django's handler403."""
    return error_response(403, "You may not do this.")


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    """CSRF_FAILURE_VIEW: only the admin's forms use CSRF tokens; the API never does."""
    return error_response(403, f"CSRF check failed: {reason}" if reason else "CSRF check failed.")


def page_not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    """Django's handler404 (an Http404 outside DRF's views, e.g. in the admin)."""
    return error_response(404, f"There is no {request.path}.")


def server_error(request: HttpRequest) -> JsonResponse:
    """Django's handler500: a bug in the hub, never the client's fault."""
    body = envelope("internal_error", "The hub failed; its log says why.")
    return JsonResponse(body, status=500)
