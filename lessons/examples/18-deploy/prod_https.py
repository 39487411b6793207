"""Exercise 3: the hub's production settings, behind nginx that speaks HTTPS.

Load it with DJANGO_SETTINGS_MODULE=prod_https (this folder on PYTHONPATH), or copy these
lines to the end of config/settings/prod.py.
"""

# --8<-- [start:solution]
from config.settings.prod import *  # noqa: F403  (everything of prod, then four more)

# nginx talks HTTPS with the world and plain HTTP with gunicorn; it says which one the client
# used in this header (proxy_set_header X-Forwarded-Proto $scheme), and Django believes it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True  # a request that came over plain HTTP gets a redirect to HTTPS
SECURE_HSTS_SECONDS = 3600  # browsers use HTTPS only, for an hour; raise it once all works
# Two questions the check asks next, answered no on purpose; the comment says why.
SILENCED_SYSTEM_CHECKS = [
    "security.W005",  # HSTS for every subdomain too: the domain's other names are not the hub's
    "security.W021",  # the browsers' preload list: a promise for years, not for a first deploy
]
# --8<-- [end:solution]
