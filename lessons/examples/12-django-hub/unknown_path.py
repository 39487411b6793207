"""The starter as you get it: its errors still in DRF's own shape, not the contract's envelope."""

from django_hub import checkpoint_hub, show

with checkpoint_hub(0) as hub:  # the release: every stub still to write
    show(hub.get("/api/v1/health"))  # a stub: 501, in the envelope already
    show(hub.get("/api/v1/nothing-here"))  # an unknown path
    show(hub.put("/api/v1/devices"))  # a method the path does not take
