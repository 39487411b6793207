"""`python manage.py serve [addrport]`: migrate, print the admin token, run the dev server."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV


class Command(BaseCommand):
    """Migrate, say how to call the hub, then hand over to runserver."""

    help = "Migrate the database, print the admin token, and run the development server."

    def add_arguments(self, parser) -> None:
        """The address and port, as for runserver."""
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--noreload",
            action="store_false",
            dest="use_reloader",
            help="Do not restart the server when a file changes (one process, easy to stop).",
        )

    def handle(self, *args, addrport: str, use_reloader: bool, **options) -> None:
        """Once in the parent process (not again in the autoreloader's child): migrate, print."""
        if os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            call_command("migrate", interactive=False, verbosity=0)
            database = settings.DATABASES["default"]["NAME"]
            self.stdout.write(f"Database:    {database} (migrated)")
            self.stdout.write(f"Admin token: {settings.HUB_ADMIN_TOKEN}")
            self.stdout.write(f"Try:         curl http://{addrport}/api/v1/health")
            self.stdout.write("Admin site:  /admin/ (python manage.py createsuperuser first)")
        call_command("runserver", addrport, use_reloader=use_reloader)
