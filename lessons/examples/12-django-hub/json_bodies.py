"""Bodies that are not JSON, or not good JSON: the finished hub's answers."""

from django_hub import ADMIN, finished_hub, show

url = "/api/v1/devices"
json_type = {**ADMIN, "Content-Type": "application/json"}

with finished_hub() as hub:
    show(hub.post(url, content=b'{"id": "kitchen"}', headers=ADMIN))  # no Content-Type
    show(hub.post(url, content=b"", headers=json_type))  # an empty body
    show(hub.post(url, content=b'{"id": "kitchen",', headers=json_type))  # cut off
    show(hub.post(url, content=b'{"id": NaN}', headers=json_type))  # not JSON's number
    show(hub.post(url, content=b"null", headers=json_type))  # JSON, but not an object
