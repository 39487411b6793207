"""The WSGI entry point: `gunicorn config.wsgi:application`.

Settings: DJANGO_SETTINGS_MODULE if set; otherwise `config.settings.dev`, or
`config.settings.prod` when HUB_ENV=production.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from config import default_settings_module
from hub.wsgi import buffer_chunked_body

os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module())

application = buffer_chunked_body(get_wsgi_application())
