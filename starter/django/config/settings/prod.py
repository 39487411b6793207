"""Production: refuses to start without a secret key, allowed hosts and a real admin token.

Selected by DJANGO_SETTINGS_MODULE=config.settings.prod, or by HUB_ENV=production when
DJANGO_SETTINGS_MODULE is unset (see config.default_settings_module).
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEV_ADMIN_TOKEN, env_list


def require_env(name: str, why: str) -> str:
    """Return an environment variable's value, or refuse to start, saying why it is needed."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set {name} in the environment: {why}")
    return value


DEBUG = False
SECRET_KEY = require_env("DJANGO_SECRET_KEY", "Django signs sessions and CSRF tokens with it.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "Set DJANGO_ALLOWED_HOSTS in the environment, e.g. 'hub.example.org,localhost'."
    )
HUB_ADMIN_TOKEN = require_env("HUB_ADMIN_TOKEN", "it guards device management and commands.")
if HUB_ADMIN_TOKEN == DEV_ADMIN_TOKEN:
    raise ImproperlyConfigured(
        "HUB_ADMIN_TOKEN is the development default; choose a long random one, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(32))'."
    )

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
