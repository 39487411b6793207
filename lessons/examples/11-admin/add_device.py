"""Adding a device in the hub's admin: a new key, shown once in a message, stored as a hash."""

import hubsite
from hub.models import Device

client = hubsite.logged_in()
form = {"id": "garage", "name": "Garage", "kind": "raspberry-pi",
        # the page's two tables (readings, commands) are part of the form: no rows in them
        "readings-TOTAL_FORMS": "0", "readings-INITIAL_FORMS": "0",
        "commands-TOTAL_FORMS": "0", "commands-INITIAL_FORMS": "0"}
response = client.post("/admin/hub/device/add/", form, follow=True)
messages = hubsite.texts(response.content.decode(), "li", class_="info")  # the blue ones
api_key = messages[0].split("(shown only now): ")[1]
print(messages[0].replace(api_key, f"<{len(api_key)} random characters>"))

garage = Device.objects.get(pk="garage")
print("stored:", len(garage.api_key_hash), "hex digits; the key matches them:",
      garage.has_api_key(api_key))
again = client.get("/admin/hub/device/garage/change/").content.decode()
print("the key on the device's page:", api_key in again)
