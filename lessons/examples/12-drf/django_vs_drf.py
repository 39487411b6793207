"""The same echo view twice: in plain Django, and as a DRF APIView. Then three requests to each."""

import drf_setup  # noqa: F401  (configures Django first; see drf_setup.py)

# isort: split
# --8<-- [start:views]
import json

from django.http import JsonResponse
from django.test import Client
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView


def plain_echo(request):
    """Plain Django: the body is bytes; parsing and checking it is your job."""
    body = json.loads(request.body)
    return JsonResponse({"you_sent": body})


class DRFEcho(APIView):
    """DRF: request.data is the body, parsed by the parser its Content-Type names."""

    def post(self, request):
        return Response({"you_sent": request.data})


urlpatterns = [
    path("plain", plain_echo),
    path("drf", DRFEcho.as_view()),
]
# --8<-- [end:views]

# --8<-- [start:ask]
client = Client()  # Django's test client: it re-raises an exception of the view
requests = [
    ("good JSON", '{"sensor": "temperature", "value": 21.5}', "application/json"),
    ("broken JSON", '{"sensor": "temperature", ', "application/json"),
    ("plain text", "21.5", "text/plain"),
]
for label, text, content_type in requests:
    print(f"{label} ({content_type}):")
    for url in ["/plain", "/drf"]:
        try:
            response = client.post(url, text, content_type=content_type)
        except json.JSONDecodeError as error:  # on a server: 500, and this in the log
            print(f"    {url:6} crashed: {type(error).__name__}: {error}")
        else:
            print(f"    {url:6} {response.status_code} {response.content.decode()}")
# --8<-- [end:ask]
