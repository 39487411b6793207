"""What an exception handler receives, and what DRF's own handler gives back."""

import json

from django.test import override_settings
from mini_api import urlpatterns  # noqa: F401  (the URLs of this program: see drf_setup.py)
from rest_framework.test import APIClient
from rest_framework.views import exception_handler


# --8<-- [start:spy]
def spy_handler(exc, context):
    """Print what DRF hands over, then answer as DRF would."""
    print("exc:     ", type(exc).__name__, "| status_code:", exc.status_code)
    print("context: ", sorted(context), "| view:", type(context["view"]).__name__)
    response = exception_handler(exc, context)  # DRF's own handler
    print("response:", response.status_code, "|", json.dumps(response.data))
    return response


client = APIClient()
url = "/api/v1/devices/kitchen/readings"
with override_settings(REST_FRAMEWORK={"EXCEPTION_HANDLER": "__main__.spy_handler"}):
    client.put(url, {}, format="json")
    print()
    client.post(url, {"sensor": "temperature"}, format="json")
# --8<-- [end:spy]
