"""The hub's app configuration."""

from __future__ import annotations

from django.apps import AppConfig


class HubConfig(AppConfig):
    """Devices, readings and commands, served as the contract's JSON API."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "hub"
    verbose_name = "Smart-home hub"
