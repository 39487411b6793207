"""The health check in Django: settings, a view, a URL, and the WSGI application."""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import JsonResponse
from django.urls import path


def health(request):
    """Answer the health check."""
    return JsonResponse({"status": "ok", "framework": "django"})


urlpatterns = [path("api/v1/health", health)]


def make_app():
    """Set Django up (once per program) and make its WSGI application."""
    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="a-notebook-only-secret-key-never-use-it-elsewhere",
            ALLOWED_HOSTS=["localhost"],
            ROOT_URLCONF=__name__,  # the urlpatterns of this module
            MIDDLEWARE=[  # the ones of a new project that need no database
                "django.middleware.security.SecurityMiddleware",
                "django.middleware.common.CommonMiddleware",
                "django.middleware.clickjacking.XFrameOptionsMiddleware",
            ],
        )
        django.setup()
    return get_wsgi_application()
