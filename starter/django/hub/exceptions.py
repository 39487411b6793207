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
    ├── PayloadTooLarge (ours)            413     payload_too_large
    ├── UnsupportedMediaType              415     unsupported_media_type
    └── Throttled                         429     rate_limited

`envelope_exception_handler` is DRF's EXCEPTION_HANDLER; the `bad_request`, `page_not_found`,
... functions are Django's handler400/403/404/500 (config.urls), for errors outside DRF's views.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

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


class Conflict(exceptions.APIException):
    """409: the device id exists already, or the command was acknowledged already."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This conflicts with what the hub has stored."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    """413: the body is larger than HUB_MAX_BODY_BYTES."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def invalid(
    loc: list[str | int], msg: str, *, index: int | None = None
) -> exceptions.ValidationError:
    """A validation error about one place in the input; `index` names a batch's reading."""
    error = exceptions.ValidationError(msg)
    error.detail = {"fields": [{"loc": loc, "msg": msg}]}  # as is: DRF would stringify the ints
    error.index = index
    return error


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
    """Flatten DRF's nested error detail into `{"loc": [...], "msg": ...}` items."""
    if isinstance(detail, dict):
        if isinstance(detail.get("fields"), list):  # already in our shape (see `invalid`)
            yield from detail["fields"]
            return
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


def validation_envelope(exc: exceptions.ValidationError) -> dict:
    """The envelope of a validation error: each field's problem, and the batch index if any."""
    fields = list(field_errors(exc.detail))
    details: dict[str, Any] = {"fields": fields}
    if getattr(exc, "index", None) is not None:
        details["index"] = exc.index
    first = fields[0] if fields else {"loc": [], "msg": "invalid input"}
    where = ".".join(str(part) for part in first["loc"]) or "body"
    prefix = f"Reading {exc.index}: " if details.get("index") is not None else ""
    return envelope("validation_error", f"{prefix}{where}: {first['msg']}", details)


def as_api_exception(exc: Exception) -> exceptions.APIException | None:
    """Translate Django's own exceptions into DRF's; None for anything unexpected."""
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or None)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    return None


def envelope_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER: answer any error in the envelope; None lets a 500 through."""
    if isinstance(exc, NotImplementedError):  # a released starter, before the student's work
        body = envelope("not_implemented", str(exc) or "This part of the hub is not written yet.")
        return Response(body, status=status.HTTP_501_NOT_IMPLEMENTED)
    api_exc = as_api_exception(exc)
    if api_exc is None:
        return None
    headers = {}
    if getattr(api_exc, "auth_header", None):
        headers["WWW-Authenticate"] = api_exc.auth_header
    if getattr(api_exc, "wait", None):
        headers["Retry-After"] = str(int(api_exc.wait))
    if isinstance(api_exc, exceptions.ValidationError):
        body = validation_envelope(api_exc)
    else:
        code = "malformed_json" if isinstance(api_exc, exceptions.ParseError) else None
        code = code or CODE_BY_STATUS.get(api_exc.status_code, "validation_error")
        body = envelope(code, str(api_exc.detail))
    set_rollback()
    return Response(body, status=api_exc.status_code, headers=headers)


@csrf_exempt  # a POST to an unknown path is a 404, not a CSRF failure
def unknown_path(request: HttpRequest) -> JsonResponse:
    """The view behind every path the hub does not have."""
    return error_response(404, f"There is no {request.path}; the API lives under /api/v1/.")


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    """Django's handler400 (a body too large, a bad Host header, ...)."""
    if isinstance(exception, RequestDataTooBig):
        return error_response(413, "The request body is too large.")
    return error_response(400, "The request is malformed.")


def permission_denied(request: HttpRequest, exception: Exception) -> JsonResponse:
    """Django's handler403."""
    return error_response(403, "You may not do this.")


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    """CSRF_FAILURE_VIEW: only the admin's forms use CSRF tokens; the API never does."""
    return error_response(403, f"CSRF check failed: {reason}" if reason else "CSRF check failed.")


def page_not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    """Django's handler404."""
    return error_response(404, f"There is no {request.path}.")


def server_error(request: HttpRequest) -> JsonResponse:
    """Django's handler500: a bug in the hub, never the client's fault."""
    body = envelope("internal_error", "The hub failed; its log says why.")
    return JsonResponse(body, status=500)
