"""What a search box asks the database: every word in any of the search fields."""

import hubsite  # noqa: F401  (sets Django up with the hub)
from django.contrib import admin
from django.test import RequestFactory
from hub.admin import DeviceAdmin
from hub.models import Device

device_admin = DeviceAdmin(Device, admin.site)
request = RequestFactory().get("/admin/hub/device/", {"q": "kit"})
found, _ = device_admin.get_search_results(request, Device.objects.all(), "kit")
print("WHERE", str(found.query).split(" WHERE ")[1])
print(list(found))
