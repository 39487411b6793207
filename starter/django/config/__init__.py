"""The Django project of the hub: settings, URLs, the WSGI and ASGI entry points."""

from __future__ import annotations

import os


def default_settings_module() -> str:
    """Name the settings to use when DJANGO_SETTINGS_MODULE is unset: prod if HUB_ENV says so."""
    if os.environ.get("HUB_ENV", "").strip().lower() == "production":
        return "config.settings.prod"
    return "config.settings.dev"
