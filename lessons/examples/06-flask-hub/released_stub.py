"""The starter as you get it: what a stub looks like, and what its hub answers."""

from lesson_hub import client_of, show, starter_at

with starter_at(0) as folder:  # the release: every stub still to write
    print((folder / "hub" / "health.py").read_text())
    with client_of(folder) as hub:
        show(hub.get("/api/v1/health"))
