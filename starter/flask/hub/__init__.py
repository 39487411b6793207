"""The hub: a smart-home IoT backend in Flask.

Devices post sensor readings, anyone can read them back, and an admin queues commands that
devices poll and acknowledge. The API is fixed by ``../contract/openapi.yaml`` (copied next
to this project as ``openapi.yaml`` in a student's starter).

The package follows the Flask tutorial's layout (flaskr): this module holds the application
factory, and every concern has its own module::

    hub/__init__.py   create_app(): configuration, extensions, blueprints
    hub/db.py         the SQLAlchemy object, SQLite pragmas, creating the tables
    hub/models.py     Device, Reading, Command (and their indexes); get_device_or_404()
    hub/errors.py     the error envelope {"error": {"code", "message", "details"}}
    hub/auth.py       the admin token and the device keys
    hub/limits.py     HUB_RATE_LIMIT: at most so many requests per device key
    hub/schemas.py    reading a JSON body; pydantic models for bodies and query strings
    hub/health.py     /api/v1/health                        (blueprint)
    hub/devices.py    /api/v1/devices                       (blueprint)
    hub/readings.py   /api/v1/devices/<id>/readings         (blueprint)
    hub/commands.py   /api/v1/devices/<id>/commands         (blueprint)
    hub/dashboard.py  /dashboard/: HTML pages for people (templates/dashboard/; lesson 9)
    hub/cli.py        flask --app wsgi init-db | create-device | serve-dev

This module, db.py, models.py, cli.py and dashboard.py are written for you; the others hold
the parts to write, stage by stage (README.md lists them). Run the hub with ``flask --app wsgi run``
from the project directory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

__all__ = ["create_app", "ConfigError", "DEV_ADMIN_TOKEN"]

DEV_ADMIN_TOKEN = "dev-admin-token"
"""The admin token when HUB_ADMIN_TOKEN is not set: fine on a laptop, never in production."""

ENV_KEYS = (
    "HUB_ADMIN_TOKEN", "DATABASE_URL", "HUB_MAX_BODY_BYTES", "HUB_ENV", "HUB_RATE_LIMIT",
)
"""Configuration keys that may come from the environment."""


class ConfigError(RuntimeError):
    """The configuration is unsafe or invalid, so the hub refuses to start."""


# --8<-- [start:create_app]
def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the hub: defaults, then the environment, then ``config``.

    The tables are created on start when they are missing (``db.create_all()``), so a fresh
    SQLite file works straight away. ``flask --app wsgi init-db --drop`` starts over.
    """
    # No static files: the API answers JSON, the dashboard's pages are self-contained HTML.
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(
        HUB_ADMIN_TOKEN=DEV_ADMIN_TOKEN,
        DATABASE_URL="sqlite:///" + os.path.join(app.instance_path, "hub.sqlite3"),
        HUB_MAX_BODY_BYTES=1024 * 1024,
        HUB_ENV="development",
        HUB_RATE_LIMIT="",  # e.g. "120/minute" per device key; empty or "0": no limit
    )
    app.config.from_mapping({key: os.environ[key] for key in ENV_KEYS if key in os.environ})
    if config is not None:
        app.config.from_mapping(config)
    finish_config(app)

    from . import cli, commands, dashboard, db, devices, errors, health, limits, readings, schemas

    db.init_app(app)
    errors.init_app(app)
    schemas.init_app(app)
    cli.init_app(app)
    limits.init_app(app)
    for module in (health, devices, readings, commands):
        app.register_blueprint(module.bp)
    dashboard.init_app(app)  # the pages of /dashboard/, beside the API
    return app
# --8<-- [end:create_app]


def finish_config(app: Flask) -> None:
    """Check the configuration and derive the settings Flask and its extensions read."""
    config = app.config
    try:
        max_body = int(config["HUB_MAX_BODY_BYTES"])
    except (TypeError, ValueError):
        raise ConfigError("HUB_MAX_BODY_BYTES must be a whole number of bytes.") from None
    if max_body < 1:
        raise ConfigError("HUB_MAX_BODY_BYTES must be at least 1.")
    config["HUB_MAX_BODY_BYTES"] = max_body
    from .limits import parse_rate

    try:
        parse_rate(str(config["HUB_RATE_LIMIT"] or ""))
    except ValueError as error:
        raise ConfigError(str(error)) from None
    if config["HUB_ENV"] == "production" and config["HUB_ADMIN_TOKEN"] in ("", DEV_ADMIN_TOKEN):
        raise ConfigError(
            "HUB_ENV=production needs a secret HUB_ADMIN_TOKEN; refusing to start with the "
            "development default. Generate one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))'"
        )
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(str(config["DATABASE_URL"]))
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep fields in model order


def normalise_database_url(url: str) -> str:
    """Accept the ``postgres://`` spelling some hosts hand out (SQLAlchemy wants postgresql)."""
    if url.startswith("postgres://"):
        return "postgresql://" + url.removeprefix("postgres://")
    return url
