"""Settings as a package: `base` is shared; `dev`, `test` and `prod` each start from it.

Pick one with DJANGO_SETTINGS_MODULE (for example `config.settings.test`). Left unset,
manage.py, wsgi.py and asgi.py use `config.settings.dev`, or `config.settings.prod` when
HUB_ENV=production.
"""
