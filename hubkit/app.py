"""The hub as a Flask app: settings, blueprints, error handlers, and ``/api/v1/health``."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request

from . import commands, devices, errors, readings, store
from .errors import APIError
from .limits import RateLimiter, parse_rate

ADMIN_TOKEN = "notebook-admin-token"
"""The admin token of a hub made without one (``create_app()``, ``running_hub()``)."""

MAX_BODY_BYTES = 1024 * 1024
"""The largest request body the hub reads (1 MiB); a larger one is refused with 413."""


def create_app(
    admin_token: str = ADMIN_TOKEN, *, verbose: bool = False, rate_limit: str | None = None
) -> Flask:
    """A new hub with no devices, readings or commands, and this admin token.

    ``verbose=True`` prints one line for each request the hub answers, such as
    ``[hub] POST /api/v1/devices/kitchen/readings -> 201``, so you see both sides.
    ``rate_limit="5/minute"`` lets each device key make at most 5 requests a minute (the
    project's ``HUB_RATE_LIMIT``); the next one is 429 with ``Retry-After``. Default: none.
    """
    rate = parse_rate(rate_limit)
    app = Flask(__name__, static_folder=None)  # JSON only: no /static route
    app.config.from_mapping(HUB_ADMIN_TOKEN=admin_token, MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep fields in their order
    store.init_app(app)
    app.extensions["hubkit_rate_limiter"] = RateLimiter(*rate) if rate else None
    errors.init_app(app)
    app.before_request(refuse_large_bodies)
    app.add_url_rule("/api/v1/health", view_func=health)
    for module in (devices, readings, commands):
        app.register_blueprint(module.bp)
    if verbose:
        app.after_request(say_what_happened)
    return app


def health() -> Any:
    """Is the hub up? It answers like the project's Flask hub."""
    return {"status": "ok", "framework": "flask"}


def refuse_large_bodies() -> None:
    """413 for a body larger than MAX_CONTENT_LENGTH, before anything else is looked at."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise APIError(413, "payload_too_large", f"The body is larger than {MAX_BODY_BYTES} bytes.")


def say_what_happened(response: Response) -> Response:
    """Print the request and the status of its answer (``create_app(verbose=True)``)."""
    path = request.full_path.rstrip("?")
    print(f"    [hub] {request.method} {path} -> {response.status_code}")
    return response
