"""The hub's list of devices: its columns, its search box and its filter."""

import hubsite

client = hubsite.logged_in()
for url in ["/admin/hub/device/",
            "/admin/hub/device/?q=kit",
            "/admin/hub/device/?kind=raspberry-pi",
            "/admin/hub/device/?q=o&kind=arduino-uno"]:
    page = client.get(url).content.decode()
    print(url)
    for row in hubsite.table(page):
        print("   ", row)
print(hubsite.filters(page))
