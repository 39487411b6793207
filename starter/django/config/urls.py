"""The project's URLs: the hub's API under /api/v1/, the admin site under /admin/.

Every other path, and every error Django itself answers, gets the contract's JSON envelope.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from hub import exceptions as errors

urlpatterns = [
    path("api/v1/", include("hub.urls")),
    path("admin", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    # Last: any other path is a 404 from a DRF view, so it is answered like every other error
    # of the API (hub.exceptions), even with DEBUG on (no HTML debug page).
    re_path(r"", errors.unknown_path),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
