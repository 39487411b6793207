"""A device's page in the hub's admin: its fields, its latest readings, a link to them all."""

import hubsite

client = hubsite.logged_in()
page = client.get("/admin/hub/device/living-room/change/").content.decode()
print("headings:", hubsite.texts(page, "h2"))
print("fields to fill in:", hubsite.form_fields(page))
print("shown, read-only:", hubsite.shown_fields(page))
readings = hubsite.table(page, "readings-group")
for row in readings[:4]:
    print("   ", row)
print(f"    ... {len(readings) - 1} rows of readings")

# --8<-- [start:all]
link = [a for a in hubsite.find_all(hubsite.Page(page).root, "a")
        if hubsite.text_of(a).startswith("All ")][0]["attrs"]["href"]
print("the link 'All 24 readings' goes to", link)
page = client.get(link).content.decode()
print(hubsite.texts(page, "p", class_="paginator"), hubsite.filters(page)[1])
# --8<-- [end:all]
