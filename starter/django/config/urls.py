"""The project's URLs: the hub's API under /api/v1/, the admin site under /admin/, the
dashboard under /dashboard/.

Every other path, and every error Django itself answers, gets the contract's JSON envelope.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from hub import exceptions as errors

# --8<-- [start:project-urlpatterns]
urlpatterns = [
    path("api/v1/", include("hub.urls")),
    path("admin", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    # --8<-- [start:dashboard]
    # The dashboard: HTML pages for people (lesson 13), beside the API.
    path("dashboard", RedirectView.as_view(url="/dashboard/", permanent=False)),
    path("dashboard/", include("hub.dashboard.urls")),
    # --8<-- [end:dashboard]
    # Last: any other path is a 404 from a DRF view, so it is answered like every other error
    # of the API (hub.exceptions), even with DEBUG on (no HTML debug page).
    re_path(r"", errors.unknown_path),
]
# --8<-- [end:project-urlpatterns]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
