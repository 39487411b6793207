"""A mistake: listing the key hash among the read-only fields puts it on the page."""

import hubsite
from django.contrib import admin
from hub.models import Device


# --8<-- [start:leak]
class LeakyDeviceAdmin(admin.ModelAdmin):
    readonly_fields = ["api_key_hash"]  # "only to look at it, it cannot be changed"
# --8<-- [end:leak]


site = admin.AdminSite()
site.register(Device, LeakyDeviceAdmin)
client = hubsite.logged_in()
with hubsite.using(site):
    page = client.get("/admin/hub/device/living-room/change/").content.decode()
print(hubsite.shown_fields(page))
