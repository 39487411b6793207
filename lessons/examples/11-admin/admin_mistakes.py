"""Two mistakes in a ModelAdmin, and what Django says about each."""

import logging

import hubsite
from django.contrib import admin
from django.core.management import call_command
from hub.models import Device, Reading

logging.getLogger("django.request").setLevel(logging.CRITICAL)  # no traceback on stderr

# --8<-- [start:typo]
class TypoDeviceAdmin(admin.ModelAdmin):
    list_display = ["id", "nmae", "kind"]  # "nmae": a typo


site = admin.AdminSite()
site.register(Device, TypoDeviceAdmin)
try:
    call_command("check")  # what `python manage.py serve` and `check` run first
except Exception as error:
    print(error)  # its text starts with the name of the error, SystemCheckError
# --8<-- [end:typo]

site.unregister(Device)  # the next example starts from a site without mistakes


# --8<-- [start:relation]
class ReadingSearchAdmin(admin.ModelAdmin):
    search_fields = ["device", "sensor"]  # "device" is a relation, not text


site.register(Reading, ReadingSearchAdmin)
client = hubsite.logged_in()
with hubsite.using(site):
    print(client.get("/admin/hub/reading/").status_code, "(the list, without a search)")
    try:
        client.get("/admin/hub/reading/?q=kitchen")
    except Exception as error:
        print(f"{type(error).__name__}: {error}")
# --8<-- [end:relation]
