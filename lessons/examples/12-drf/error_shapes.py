"""The shapes of serializer.errors: a field, the whole body, one reading of many."""

import json

from reading_serializer import ReadingSerializer
from rest_framework.exceptions import ValidationError

bodies = {
    "a field is wrong": {"sensor": "temperature", "value": "warm"},
    "not an object": 21.5,
    "a list, one bad": [{"sensor": "temperature", "value": 21.5}, {"sensor": "humidity"}],
}
for label, body in bodies.items():
    many = isinstance(body, list)  # many=True: a list of readings, each checked
    serializer = ReadingSerializer(data=body, many=many)
    serializer.is_valid()
    print(f"{label}: {json.dumps(serializer.errors)}")

# In a view: is_valid(raise_exception=True) raises the errors as a ValidationError.
try:
    ReadingSerializer(data={}).is_valid(raise_exception=True)
except ValidationError as error:
    print(f"{type(error).__name__} (status {error.status_code}): {json.dumps(error.detail)}")
