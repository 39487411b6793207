"""Start Django on a copy of homeapp whose Reading has one more line: a model that was changed."""

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import django
from django.conf import settings

HOMEAPP = Path(__file__).resolve().parent / "homeapp"
AFTER = "    value = models.FloatField()\n"


def start_with_field(line):
    """Copy homeapp to a temporary folder, add `line` to Reading after `value`, set Django up there.

    The copy is the current folder afterwards, so Django names its files by relative paths
    (homeapp/migrations/...), and it is removed when the program ends.
    """
    folder = Path(tempfile.mkdtemp())
    atexit.register(shutil.rmtree, folder)
    shutil.copytree(HOMEAPP, folder / "homeapp", ignore=shutil.ignore_patterns("__pycache__"))
    models_py = folder / "homeapp" / "models.py"
    models_py.write_text(models_py.read_text().replace(AFTER, AFTER + f"    {line}\n"))
    os.chdir(folder)
    sys.path.insert(0, str(folder))
    settings.configure(
        INSTALLED_APPS=["homeapp"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        USE_TZ=True,
    )
    django.setup()
    return folder


def show_file(path):
    """Print a migration file without its first line (the date and time it was written)."""
    print("".join(Path(path).read_text().splitlines(keepends=True)[1:]).strip())
