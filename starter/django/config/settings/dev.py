"""Development: DEBUG on, the dev admin token allowed, local hosts only."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import env_list

DEBUG = True
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or ["localhost", "127.0.0.1", "[::1]"]
