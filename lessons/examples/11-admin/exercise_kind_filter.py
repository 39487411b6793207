"""Exercise 3: filter the readings by the kind of the device that sent them."""

import hubsite
from django.contrib import admin
from hub.admin import ReadingAdmin
from hub.models import Reading


# --8<-- [start:solution]
class KindReadingAdmin(ReadingAdmin):
    list_filter = ["sensor", "device__kind", "device"]  # through the relation: __
# --8<-- [end:solution]


site = admin.AdminSite()
site.register(Reading, KindReadingAdmin)
client = hubsite.logged_in()
with hubsite.using(site):
    for url in ["/admin/hub/reading/", "/admin/hub/reading/?device__kind=raspberry-pi"]:
        page = client.get(url).content.decode()
        print(url, "->", *hubsite.texts(page, "p", class_="paginator"))
    for line in hubsite.filters(page):
        print("   ", line)
    for row in hubsite.table(page):
        print("   ", row)
