"""Ask the hub whether it is up, with httpx: the same request, without writing HTTP by hand."""

import httpx
from local_hub import running_hub

with running_hub() as url:
    with httpx.Client(base_url=url) as client:
        response = client.get("/api/v1/health")

print(response.status_code, response.reason_phrase)  # did it work?
print(response.headers["Content-Type"])  # what kind of body
print(response.text.strip())  # the body, as text (strip() drops the newline at its end)
print(response.json())  # the body, read as JSON: a dictionary
