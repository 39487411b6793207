"""Exercise 1, with the test client: find a device, read its latest humidity, list them all."""

import hubsite

client = hubsite.logged_in()
# 1. Search the list of devices.
page = client.get("/admin/hub/device/", {"q": "living"}).content.decode()
print("search 'living':", hubsite.table(page)[1:])
link = hubsite.find_all(hubsite.find_all(hubsite.Page(page).root, "th", class_="field-id")[0],
                        "a")[0]["attrs"]["href"]
# 2. Open the device: its latest readings are on its page, newest first.
page = client.get(link).content.decode()
rows = hubsite.table(page, "readings-group")
humidity = [row for row in rows if row[0] == "humidity"][0]
print("opened", link, "-> latest humidity:", humidity[1], humidity[2], "at", humidity[3])
# 3. All its readings, then only the humidity: two filters, side by side in the URL.
url = "/admin/hub/reading/?device__id__exact=living-room&sensor=humidity"
page = client.get(url).content.decode()
print(url, "->", hubsite.texts(page, "p", class_="paginator"))
for line in hubsite.filters(page):
    print("   ", line)
