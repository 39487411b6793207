"""reverse() and {% url %} build a URL from a view's name: the dashboard's are dashboard:<name>."""

from urllib.parse import urlencode

from dashboard_hub import django  # noqa: F401  (first: it sets Django up with the hub's settings)
from django.urls import NoReverseMatch, reverse

# --8<-- [start:build]
print(reverse("dashboard:index"))
print(reverse("dashboard:device", args=["kitchen"]))
print(reverse("dashboard:device", args=["kitchen"]) + "?" + urlencode({"sensor": "humidity"}))
for name, args in [("device", ["kitchen"]), ("dashboard:device", ["Kitchen table"])]:
    try:
        print(reverse(name, args=args))
    except NoReverseMatch as error:
        print(f"{type(error).__name__}: {error}")
# --8<-- [end:build]
