"""A mini hub as a DRF APIView: post a reading, list the readings (imported by the examples)."""

import drf_setup  # noqa: F401  (configures Django; see drf_setup.py)

# --8<-- [start:view]
from django.urls import path
from reading_serializer import ReadingSerializer
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

READINGS = {}  # device id -> its readings, in the order they came


class ReadingListView(APIView):
    """/api/v1/devices/<device_id>/readings: anyone posts, anyone reads (no keys yet)."""

    def get(self, request, device_id):
        """The device's readings: 200."""
        return Response({"readings": READINGS.get(device_id, [])})

    def post(self, request, device_id):
        """Check the body with the serializer and store the reading: 201, or 400."""
        serializer = ReadingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)  # 400 with serializer.errors if not
        reading = {"device_id": device_id, **serializer.validated_data}
        READINGS.setdefault(device_id, []).append(reading)
        return Response(reading, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("api/v1/devices/<slug:device_id>/readings", ReadingListView.as_view()),
]
# --8<-- [end:view]
