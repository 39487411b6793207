"""The hub's own serializers (starter/django/hub/serializers.py) on the bodies of exercise 1."""

import django_hub  # noqa: F401  (sets up the finished Django hub; see django_hub.py)
from hub.exceptions import error_body
from hub.serializers import ReadingBatchSerializer, ReadingCreateSerializer
from rest_framework.exceptions import ValidationError

bodies = [
    {"sensor": "temperature", "value": 21.5, "unit": "C"},
    {"sensor": "temperature", "value": "21.5"},
    {"sensor": "temperature", "value": True},
    {"sensor": 42, "value": 21.5},
    {"sensor": "temperature", "value": 21.5, "colour": "red"},
    {"sensor": "temperature", "value": 21.5, "recorded_at": "2026-06-01T12:00:00"},
]
for body in bodies:
    serializer = ReadingCreateSerializer(data=body)
    if serializer.is_valid():
        data = serializer.validated_data
        print("valid:  ", {key: data[key] for key in ("sensor", "value", "unit")})
    else:
        print("refused:", error_body(ValidationError(serializer.errors))["error"]["message"])

batch = {"readings": [{"sensor": "temperature", "value": 21.5},
                      {"sensor": "humidity", "value": "48"}]}
serializer = ReadingBatchSerializer(data=batch)
serializer.is_valid()
error = error_body(ValidationError(serializer.errors))["error"]
print("refused:", error["message"], "| details.index:", error["details"]["index"])
