"""The same requests to the finished hub: every error in the contract's envelope."""

from django_hub import finished_hub, show

with finished_hub() as hub:
    show(hub.get("/api/v1/nothing-here"))
    wrong_method = hub.put("/api/v1/devices")
    show(wrong_method)
    print("    Allow:", wrong_method.headers["Allow"])
    print("    body:", wrong_method.json())
