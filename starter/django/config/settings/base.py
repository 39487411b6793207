"""Settings shared by every environment; each value a student may change comes from the environment.

Environment variables:
    HUB_ADMIN_TOKEN      the admin token (`Authorization: Bearer ...`); dev: "dev-admin-token"
    DATABASE_URL         any URL dj-database-url understands; default sqlite:///<starter>/db.sqlite3
    HUB_MAX_BODY_BYTES   the largest request body accepted, in bytes; default 1048576 (1 MiB)
    HUB_RATE_LIMIT       requests per device key, like "120/minute"; unset or "0": no limit
    DJANGO_SECRET_KEY    Django's secret key (required in production)
    DJANGO_ALLOWED_HOSTS comma-separated host names (required in production)
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEV_ADMIN_TOKEN = "dev-admin-token"
DEV_SECRET_KEY = "django-insecure-dev-only-never-use-this-key-in-production"


def env_list(name: str) -> list[str]:
    """Read a comma-separated environment variable as a list (empty entries dropped)."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """Read a positive integer from the environment, or fail with the variable's name."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        msg = f"{name} must be a whole number of bytes, not {raw!r}."
        raise ImproperlyConfigured(msg) from None
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be at least 1, not {value}.")
    return value


def database_from_env() -> dict:
    """The default database from DATABASE_URL; SQLite gets WAL, a busy timeout, IMMEDIATE writes."""
    default_url = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    database = dj_database_url.parse(os.environ.get("DATABASE_URL") or default_url)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("OPTIONS", {}).update(
            {
                # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock
                # at BEGIN, so two writers queue up (timeout seconds) instead of deadlocking.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            }
        )
    # Keep each worker's connection open between requests instead of opening a new one per
    # request (Django's default, CONN_MAX_AGE=0): on SQLite the open + PRAGMAs cost more
    # than a whole reading POST. The health check replaces a connection that went away
    # (a restarted PostgreSQL) before a request uses it, instead of failing that request.
    database["CONN_MAX_AGE"] = 600
    database["CONN_HEALTH_CHECKS"] = True
    return database


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEV_SECRET_KEY
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

# The hub's own settings (see the module docstring).
HUB_ADMIN_TOKEN = os.environ.get("HUB_ADMIN_TOKEN") or DEV_ADMIN_TOKEN
HUB_MAX_BODY_BYTES = env_int("HUB_MAX_BODY_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = HUB_MAX_BODY_BYTES
HUB_RATE_LIMIT = os.environ.get("HUB_RATE_LIMIT", "").strip()  # hub.throttling
if HUB_RATE_LIMIT not in ("", "0") and not re.fullmatch(
    r"[1-9][0-9]*/(second|minute|hour|day)", HUB_RATE_LIMIT
):
    raise ImproperlyConfigured(
        f"HUB_RATE_LIMIT={HUB_RATE_LIMIT!r}: write it like '120/minute' (or '0' for off)"
    )

INSTALLED_APPS = [
    "hub",  # first, so that its `serve` command and templates win
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
]

# --8<-- [start:middleware]
MIDDLEWARE = [
    # First: a body over HUB_MAX_BODY_BYTES is refused before anything else looks at it.
    "hub.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Sessions, request.user and messages only under /admin/ and /dashboard/ (the pages for
    # people): the API is stateless.
    "hub.middleware.AdminSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # CSRF tokens for the forms of the admin and the dashboard; the API's views are
    # csrf_exempt (DRF), as a request that carries its credentials in a header needs none.
    "django.middleware.csrf.CsrfViewMiddleware",
    "hub.middleware.AdminAuthenticationMiddleware",
    "hub.middleware.AdminMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
# --8<-- [end:middleware]

ROOT_URLCONF = "config.urls"
# --8<-- [start:csrf-failure]
# A refused CSRF token: an HTML page on the dashboard, the JSON envelope elsewhere.
CSRF_FAILURE_VIEW = "hub.dashboard.views.csrf_failure"
# --8<-- [end:csrf-failure]
WSGI_APPLICATION = "config.wsgi.application"
# The contract's paths have no trailing slash; never redirect (a redirected POST loses its body).
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# --8<-- [start:rest-framework]
REST_FRAMEWORK = {
    # JSON only: no browsable API, no form parsing, the client's Accept header never yields 406.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["hub.parsers.StrictJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "hub.negotiation.JSONOnlyNegotiation",
    # Each view says which credentials it needs (hub.views); reading is public by default.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    # Every error, DRF's or ours, in the contract's envelope.
    "EXCEPTION_HANDLER": "hub.exceptions.envelope_exception_handler",
    "STRICT_JSON": True,
}
# --8<-- [end:rest-framework]

# Warnings and errors to stderr, in every environment (Django's default prints only with DEBUG).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
