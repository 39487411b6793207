"""Exercise: a form body reaches the mini hub; a view that takes JSON only refuses it."""

from django.urls import path
from mini_api import ReadingListView
from rest_framework.parsers import JSONParser
from rest_framework.test import APIClient


# --8<-- [start:fix]
class JSONReadingListView(ReadingListView):
    """The same view, but its body may only be JSON (the hub sets this for every view)."""

    parser_classes = [JSONParser]
# --8<-- [end:fix]


urlpatterns = [
    path("form-ok/<slug:device_id>/readings", ReadingListView.as_view()),
    path("json-only/<slug:device_id>/readings", JSONReadingListView.as_view()),
]

# --8<-- [start:ask]
client = APIClient()
form = {"sensor": "temperature", "value": "21.5"}  # no format=: sent as a form
for url in ["/form-ok/kitchen/readings", "/json-only/kitchen/readings"]:
    response = client.post(url, form)
    print(url, response.status_code, response.content.decode())
    print("    the request's Content-Type:", response.wsgi_request.content_type)
# --8<-- [end:ask]
