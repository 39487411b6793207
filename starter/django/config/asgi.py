"""The ASGI entry point, for an ASGI server such as uvicorn (`config.asgi:application`).

Settings are chosen as in config.wsgi.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

from config import default_settings_module

os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module())

application = get_asgi_application()
