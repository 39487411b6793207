"""The dashboard's page of one device, read the way a browser shows it."""

import re

from dashboard_hub import log_in, make_hub, text_of

client = make_hub()
log_in(client)

# --8<-- [start:page]
page = client.get("/dashboard/devices/kitchen").text
print(text_of(page, "latest"))
print(re.search(r"<polyline[^>]*>", page, re.S).group(0))
# --8<-- [end:page]
