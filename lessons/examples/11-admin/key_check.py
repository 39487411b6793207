"""No page of the hub's admin shows a device's key hash, nor a field for it."""

import hubsite
from hub.models import Device

client = hubsite.logged_in()
key_hash = Device.objects.get(pk="living-room").api_key_hash
pages = ["/admin/hub/device/",
         "/admin/hub/device/living-room/change/",
         "/admin/hub/device/living-room/history/",
         "/admin/hub/device/living-room/delete/",
         "/admin/hub/device/add/",
         "/admin/hub/reading/?device__id__exact=living-room"]
for url in pages:
    response = client.get(url)
    page = response.content.decode()
    shown = key_hash in page or "api_key_hash" in page
    print(response.status_code, url, "SHOWS THE KEY HASH" if shown else "no key hash")
