#!/usr/bin/env python
"""Django's command-line utility for the hub: migrate, serve, createsuperuser, test, ..."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run a Django management command with the hub's settings."""
    from config import default_settings_module

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module())
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
