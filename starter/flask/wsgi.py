"""The WSGI entry point: ``flask --app wsgi run`` or ``gunicorn wsgi:app``.

Configuration comes from the environment (``DATABASE_URL``, ``HUB_ADMIN_TOKEN``,
``HUB_MAX_BODY_BYTES``, ``HUB_ENV``); see README.md.
"""

from __future__ import annotations

from hub import create_app

app = create_app()
