"""A first serializer: the fields of a reading (imported by the examples that use it)."""

import drf_setup  # noqa: F401  (configures Django; see drf_setup.py)

# --8<-- [start:class]
from rest_framework import serializers


class ReadingSerializer(serializers.Serializer):
    """What a device may send: {"sensor": "temperature", "value": 21.5, "unit": "C"}."""

    sensor = serializers.SlugField(max_length=64)
    value = serializers.FloatField()
    unit = serializers.CharField(max_length=16, required=False)
# --8<-- [end:class]
