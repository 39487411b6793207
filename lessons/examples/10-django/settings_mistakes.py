"""Use a model before Django is ready: the two errors you meet, then the fix."""

from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured

from show import show_error

# --8<-- [start:no-settings]
try:
    from homeapp.models import Device  # 1. no settings at all
except ImproperlyConfigured as error:
    show_error(error)
# --8<-- [end:no-settings]

# --8<-- [start:no-setup]
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["homeapp"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    USE_TZ=True,
)
try:
    from homeapp.models import Device  # 2. settings, but the apps are not loaded
except AppRegistryNotReady as error:
    show_error(error)
# --8<-- [end:no-setup]

# --8<-- [start:setup]
import django

django.setup()  # reads INSTALLED_APPS: imports each app and its models
from homeapp.models import Device

print("ready:", Device)
# --8<-- [end:setup]
