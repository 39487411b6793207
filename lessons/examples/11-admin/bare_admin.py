"""The admin with no options: register a model, and Django makes its pages."""

import hubsite
from django.contrib import admin
from hub.models import Device

# --8<-- [start:register]
site = admin.AdminSite()  # a new, empty admin site (the hub's is admin.site)
site.register(Device)  # no options: Django decides what the pages show
# --8<-- [end:register]

# --8<-- [start:ask]
client = hubsite.logged_in()
with hubsite.using(site):
    page = client.get("/admin/hub/device/").content.decode()  # the list of devices
    for row in hubsite.table(page):
        print(row)
    page = client.get("/admin/hub/device/living-room/change/").content.decode()
    print("fields of the form:", hubsite.form_fields(page))
# --8<-- [end:ask]
