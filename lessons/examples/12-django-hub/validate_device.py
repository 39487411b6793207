"""The hub's DeviceCreateSerializer at work: what is_valid() accepts, and the 400 it makes."""

from django_hub import finished_project

with finished_project():  # Django set up, as in `python manage.py shell`
    from hub.exceptions import error_body
    from hub.serializers import DeviceCreateSerializer
    from rest_framework.exceptions import ValidationError

    bodies = [
        {"id": "kitchen", "name": "Kitchen Uno", "kind": "arduino-uno"},
        {"id": "Kitchen", "name": "Kitchen Uno", "kind": "arduino-uno"},
        {"id": "kitchen", "kind": "arduino-uno"},
        {"id": "kitchen", "name": 42, "kind": "arduino-uno"},
        {"id": "kitchen", "name": "Kitchen Uno", "kind": "arduino-uno", "api_key": "mine"},
        ["kitchen"],
    ]
    for body in bodies:
        serializer = DeviceCreateSerializer(data=body)
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError as error:
            print("errors:", error.detail)
            print("    the hub answers 400:", error_body(error)["error"]["message"])
        else:
            print("valid:", dict(serializer.validated_data))
