"""Make a new Django project and app in a temporary folder, and show their files."""

import subprocess
import sys
import tempfile

from tree import print_tree

# --8<-- [start:make]
with tempfile.TemporaryDirectory() as folder:
    # django-admin startproject config .   (python -m django is django-admin)
    subprocess.run([sys.executable, "-m", "django", "startproject", "config", "."],
                   cwd=folder, check=True)
    # python manage.py startapp hub
    subprocess.run([sys.executable, "manage.py", "startapp", "hub"], cwd=folder, check=True)
    print_tree(folder)
# --8<-- [end:make]
