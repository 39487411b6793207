"""A common mistake: reading a serializer's results before is_valid()."""

from reading_serializer import ReadingSerializer

serializer = ReadingSerializer(data={"sensor": "temperature", "value": 21.5})
try:
    print(serializer.validated_data)
except AssertionError as error:
    print(f"{type(error).__name__}: {error}")
try:
    print(serializer.data)
except AssertionError as error:
    print(f"{type(error).__name__}: {error}")
