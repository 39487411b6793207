"""The dashboard's routes, included by config.urls under ``dashboard/``.

``app_name`` makes their names ``dashboard:index``, ``dashboard:device``, ...: a template
writes ``{% url 'dashboard:device' device.id %}``, a view ``redirect("dashboard:login")``.
"""

from __future__ import annotations

from django.urls import path

from .. import urls as api_urls  # noqa: F401  (it registers the <device:...> converter)
from . import views

# --8<-- [start:urls]
app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("login", views.login, name="login"),
    path("logout", views.logout, name="logout"),
    path("devices/<device:device_id>", views.device, name="device"),
    path("devices/<device:device_id>/commands", views.queue_command, name="queue_command"),
]
# --8<-- [end:urls]
