"""A ModelSerializer of the hub's Reading model: the fields it makes, saving, and JSON out."""

import django_hub  # noqa: F401  (sets up the finished Django hub; see django_hub.py)

# --8<-- [start:class]
from hub.models import Device, Reading
from rest_framework import serializers


class ReadingModelSerializer(serializers.ModelSerializer):
    """A serializer whose fields DRF builds from the model's fields."""

    class Meta:
        model = Reading
        fields = ["id", "sensor", "value", "unit", "recorded_at", "seq"]
# --8<-- [end:class]


# --8<-- [start:fields]
print(repr(ReadingModelSerializer()))
# --8<-- [end:fields]

# --8<-- [start:save]
kitchen = Device.objects.create(id="kitchen", name="Kitchen", kind="arduino-uno",
                                api_key_hash="not-a-real-hash")
body = {"sensor": "temperature", "value": 21.5, "unit": "C",
        "recorded_at": "2026-11-24T10:00:00+00:00", "seq": 1}
serializer = ReadingModelSerializer(data=body)
serializer.is_valid(raise_exception=True)
reading = serializer.save(device=kitchen)  # create() a Reading; device comes from the view
print("saved:", reading)

print("out:", ReadingModelSerializer(reading).data)
print("many:", ReadingModelSerializer(kitchen.readings.all(), many=True).data)
# --8<-- [end:save]
