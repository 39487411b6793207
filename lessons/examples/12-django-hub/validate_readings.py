"""The hub's reading serializers, written for you: one reading, a batch, and what they refuse."""

from django_hub import finished_project

with finished_project():
    from hub.exceptions import error_body
    from hub.serializers import ReadingBatchSerializer, ReadingCreateSerializer
    from rest_framework.exceptions import ValidationError

    bodies = [
        {"sensor": "temperature", "value": 21.5, "unit": "C",
         "recorded_at": "2025-06-01T14:00:00+02:00"},
        {"readings": [{"sensor": "temperature", "value": 21.5, "seq": 1},
                      {"sensor": "humidity", "value": 48, "seq": 2}]},
        {"sensor": "temperature", "value": "21.5"},
        {"sensor": "temperature", "value": 21.5, "recorded_at": "2025-06-01T12:00:00"},
        {"readings": [{"sensor": "temperature", "value": 21.5},
                      {"sensor": "humidity", "value": True}]},
        {"readings": [{"sensor": "t", "value": 1, "seq": 5},
                      {"sensor": "t", "value": 2, "seq": 5}]},
    ]
    for body in bodies:
        is_batch = "readings" in body
        serializer = (ReadingBatchSerializer if is_batch else ReadingCreateSerializer)(data=body)
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError as error:
            envelope = error_body(error)["error"]
            print("400 validation_error:", envelope["message"])
            if "index" in envelope["details"]:
                print("    details.index:", envelope["details"]["index"])
        else:
            data = serializer.validated_data
            if is_batch:
                readings = data["readings"]
                print("a batch:", [(r["sensor"], r["value"], r.get("seq")) for r in readings])
            else:  # recorded_at in UTC
                when = data["recorded_at"].isoformat()
                print("one reading:", data["sensor"], data["value"], when)
