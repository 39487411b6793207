"""A first serializer at work: a good body, then a bad one."""

from reading_serializer import ReadingSerializer

good = ReadingSerializer(data={"sensor": "temperature", "value": 21.5, "unit": "C"})
print("is_valid:", good.is_valid())
print("validated_data:", good.validated_data)

bad = ReadingSerializer(data={"sensor": "Living Room", "unit": "degrees Celsius, indoors"})
print("is_valid:", bad.is_valid())
print("errors:")
for field, messages in bad.errors.items():  # a list of messages for each field
    for message in messages:  # an ErrorDetail: a str that also carries a code
        print(f"    {field}: {message} (code {message.code!r})")
