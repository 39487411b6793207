"""The starter as you get it: what a stub looks like, and what its hub answers."""

from django_hub import client_of, show, starter_at

with starter_at(0) as folder:  # the release: every stub still to write
    views = (folder / "hub" / "views.py").read_text()
    start = views.index("class HealthView")
    end = views.index("class DeviceListView")
    print(views[start:end].rstrip())  # the health view, as hub/views.py holds it
    print()
    with client_of(folder) as hub:
        show(hub.get("/api/v1/health"))
