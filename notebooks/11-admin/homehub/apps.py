"""The app's configuration: Django reads it when `homehub` is in INSTALLED_APPS."""

from django.apps import AppConfig


class HomehubConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"  # the type of the automatic `id`
    name = "homehub"
    verbose_name = "Home hub"  # the title of the app's box in the admin
