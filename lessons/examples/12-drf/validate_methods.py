"""Rules a field type cannot say: validate_<field>() for one field, validate() for several."""

import json

from reading_serializer import ReadingSerializer
from rest_framework import serializers

UNITS = {"C", "%", "lx"}


# --8<-- [start:class]
class CheckedReadingSerializer(ReadingSerializer):
    """A reading whose unit is one the hub knows, and whose humidity is a percentage."""

    def validate_unit(self, value):
        """One field: DRF calls it with the unit, after CharField has checked it is text."""
        if value not in UNITS:
            raise serializers.ValidationError(f"Use one of {sorted(UNITS)}.")
        return value

    def validate(self, attrs):
        """The whole reading: DRF calls it with every field, once each one is valid."""
        if attrs["sensor"] == "humidity" and not 0 <= attrs["value"] <= 100:
            raise serializers.ValidationError("A humidity is from 0 to 100 (%).")
        return attrs
# --8<-- [end:class]


# --8<-- [start:ask]
bodies = [
    {"sensor": "humidity", "value": 48, "unit": "%"},
    {"sensor": "humidity", "value": 48, "unit": "percent"},
    {"sensor": "humidity", "value": 480, "unit": "%"},
    {"sensor": "humidity", "value": 480, "unit": "percent"},
]
for body in bodies:
    serializer = CheckedReadingSerializer(data=body)
    if serializer.is_valid():
        print("valid:  ", dict(serializer.validated_data))
    else:
        print("refused:", json.dumps(serializer.errors))
# --8<-- [end:ask]
