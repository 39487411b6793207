"""The hub's settings package: which module manage.py picks, and what each one says."""

import importlib
import os
import sys

from show import show_error

sys.path.insert(0, "starter/django")  # the hub's project, from the repository's root
for name in ["HUB_ENV", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "HUB_ADMIN_TOKEN"]:
    os.environ.pop(name, None)  # start from a clean environment

# --8<-- [start:pick]
from config import default_settings_module

print(default_settings_module())
os.environ["HUB_ENV"] = "production"
print(default_settings_module())
# --8<-- [end:pick]
print()

# --8<-- [start:modules]
from django.core.exceptions import ImproperlyConfigured

for name in ["config.settings.dev", "config.settings.test"]:
    settings = importlib.import_module(name)  # a settings module is a plain module
    print(f"{name}: DEBUG = {settings.DEBUG}, HUB_ADMIN_TOKEN = {settings.HUB_ADMIN_TOKEN!r}")
try:
    importlib.import_module("config.settings.prod")
except ImproperlyConfigured as error:
    show_error(error)
# --8<-- [end:modules]
