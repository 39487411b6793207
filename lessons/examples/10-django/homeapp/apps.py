"""The app's configuration: Django reads it when `homeapp` is in INSTALLED_APPS."""

from django.apps import AppConfig


class HomeappConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"  # the type of the automatic `id`
    name = "homeapp"
