"""Changing a primary key in a form does not rename the row: Django saves a copy."""

import logging

import hubsite
from django.contrib import admin
from hub.models import Device

logging.getLogger("django.request").setLevel(logging.CRITICAL)  # no traceback on stderr

site = admin.AdminSite()
site.register(Device)  # no options: the id is a field of the form, like the name
client = hubsite.logged_in()
with hubsite.using(site):
    form = {"id": "front-door", "name": "Porch", "kind": "raspberry-pi"}  # was "porch"
    try:
        client.post("/admin/hub/device/porch/change/", form)
    except Exception as error:
        print(f"{type(error).__name__}: {error}")
print(list(Device.objects.values_list("id", flat=True)))
