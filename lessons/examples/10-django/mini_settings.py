"""The settings of the examples: the app homeapp (the folder beside), a database in memory.

An example picks them with DJANGO_SETTINGS_MODULE=mini_settings, the way manage.py picks
config.settings.dev for the hub. A settings module is a plain Python module: Django reads
its UPPERCASE names.
"""

# --8<-- [start:settings]
INSTALLED_APPS = ["homeapp"]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
}
USE_TZ = True  # store and give back times in UTC, aware of their time zone
TIME_ZONE = "UTC"
# --8<-- [end:settings]
