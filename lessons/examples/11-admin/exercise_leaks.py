"""Exercise 2: which of four DeviceAdmins shows the key hash?"""

import logging

import hubsite
from django.contrib import admin
from hub.models import Device

logging.getLogger("django.request").setLevel(logging.CRITICAL)  # no traceback on stderr


# --8<-- [start:four]
class A(admin.ModelAdmin):
    list_display = ["id", "name", "api_key_hash"]


class B(admin.ModelAdmin):
    fields = ["id", "name", "kind", "api_key_hash"]


class C(admin.ModelAdmin):
    pass  # no `exclude`


class D(admin.ModelAdmin):
    search_fields = ["id", "api_key_hash"]
# --8<-- [end:four]


client = hubsite.logged_in()
key_hash = Device.objects.get(pk="living-room").api_key_hash


def shows_hash(page: str) -> str:
    """Whether a page shows the hash (the search box repeats what was searched: not that)."""
    return "SHOWS THE HASH" if key_hash in page.replace(f'value="{key_hash}"', "") else "no hash"


for model_admin in (A, B, C, D):
    site = admin.AdminSite()
    site.register(Device, model_admin)
    with hubsite.using(site):
        said = [f"the list: {shows_hash(client.get('/admin/hub/device/').content.decode())}"]
        try:
            page = client.get("/admin/hub/device/living-room/change/").content.decode()
            said.append(f"the change page: {shows_hash(page)}")
        except Exception as error:
            said.append(f"the change page: {type(error).__name__}")
        found = client.get("/admin/hub/device/", {"q": key_hash}).content.decode()
        if 'name="q"' in found:  # the page has a search box
            said.append(f"a search for the hash finds {len(hubsite.table(found)) - 1} device")
    print(f"{model_admin.__name__}:", "; ".join(said))
