"""Pick the settings with DJANGO_SETTINGS_MODULE, the way manage.py does.

The module is lessons/examples/10-django/mini_settings.py, in the folder of this example.
"""

# --8<-- [start:env]
import os

import django
from django.conf import settings

os.environ["DJANGO_SETTINGS_MODULE"] = "mini_settings"  # the module mini_settings.py
django.setup()
print(settings.SETTINGS_MODULE, settings.INSTALLED_APPS, settings.USE_TZ)
# --8<-- [end:env]
