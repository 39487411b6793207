"""Django and DRF set up inside one program, for the small examples of lesson 12.

A Django project keeps its settings in a module (the hub's are in config/settings/).
A single file can give them with `settings.configure(...)` instead, then `django.setup()`
loads the apps. Importing this module does both, with DRF's default settings: the
examples show what DRF does before a project changes anything.

The URLs of an example are its own `urlpatterns` (ROOT_URLCONF is the example itself,
`__main__`), and the database lives in memory: it is gone when the program ends.
"""

import django
from django.conf import settings

# --8<-- [start:configure]
settings.configure(
    SECRET_KEY="only-for-the-examples",
    ALLOWED_HOSTS=["testserver"],  # the host name of Django's test client
    INSTALLED_APPS=[
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "rest_framework",
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    ROOT_URLCONF="__main__",  # the urlpatterns of the file you run
    USE_TZ=True,
)
django.setup()
# --8<-- [end:configure]
