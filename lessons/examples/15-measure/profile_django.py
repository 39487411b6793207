"""Where the Django hub's work goes: one reading posted, profiled, summed up by package."""

import os
import sys
import tempfile

from profiling import ADMIN, REPO, profile_posts

# --8<-- [start:app]
sys.path.insert(0, str(REPO / "starter" / "django"))
with tempfile.TemporaryDirectory() as data:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{data}/hub.sqlite3"
    os.environ["HUB_ADMIN_TOKEN"] = ADMIN["Authorization"].removeprefix("Bearer ")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)  # make the tables
    from config.wsgi import application

    profile_posts(application, "One POST of a reading to the Django hub")
    # --8<-- [end:app]
    from django.db import connections

    connections.close_all()
