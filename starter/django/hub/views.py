"""The hub's API, one view class per resource path of the contract (see hub.urls).

Each view says which methods need a device key (`device_methods`) and which the admin token
(`admin_methods`); the rest is public. DRF then runs, in order: authentication
(hub.authentication), permissions, the method's handler (`get`, `post`, ...). Whatever a
handler raises (`Http404`, a serializer's `ValidationError`, `Conflict`, ...) becomes an
answer in the contract's error envelope (hub.exceptions).

For a device endpoint, `request.auth` is the device whose key was sent; the permission has
checked that it is the device in the path.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Max, Min, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import serializers as s
from .authentication import AdminTokenAuthentication, DeviceKeyAuthentication, IsAdmin, IsDevice
from .exceptions import Conflict
from .models import Command, Device, Reading, hash_key, new_api_key
from .pagination import after, next_page_url
from .throttling import DeviceRateThrottle


# --8<-- [start:hub-view]
class HubView(APIView):
    """An API view whose credentials depend on the method: `device_methods`, `admin_methods`."""

    device_methods: frozenset[str] = frozenset()
    admin_methods: frozenset[str] = frozenset()

    def _method(self) -> str:
        """The request's method, HEAD counted as GET."""
        return "GET" if self.request.method == "HEAD" else self.request.method

    def get_authenticators(self) -> list:
        """A device key, the admin token, or nothing, depending on the method."""
        if self._method() in self.device_methods:
            return [DeviceKeyAuthentication()]
        if self._method() in self.admin_methods:
            return [AdminTokenAuthentication()]
        return []

    def get_permissions(self) -> list:
        """The permission matching the authenticator."""
        if self._method() in self.device_methods:
            return [IsDevice()]
        if self._method() in self.admin_methods:
            return [IsAdmin()]
        return []

    def permission_denied(self, request: Request, message: str | None = None, code=None):
        """401 with the permission's own message when no credentials came at all."""
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated(message)
        raise exceptions.PermissionDenied(message)
        # --8<-- [end:hub-view]

    # --8<-- [start:read-json]
    def read_json(self, request: Request) -> Any:
        """The request's JSON body: 415 if not sent as JSON, 400 if empty or malformed.

        `request.data` alone would read an empty body as `{}`; the contract calls it malformed.
        """
        media_type = (request.content_type or "").split(";")[0].strip().lower()
        if media_type != "application/json":
            raise exceptions.UnsupportedMediaType(
                media_type or "none", "Send the body as JSON with Content-Type: application/json."
            )
        if not request.body:
            raise exceptions.ParseError("The body is empty; send a JSON object.")
        return request.data
        # --8<-- [end:read-json]

    # --8<-- [start:get-throttles]
    def get_throttles(self) -> list:
        """The throttles DRF asks before the view runs: none, except for a device's requests.

        A request with a device's key (a method in `device_methods`) counts against
        HUB_RATE_LIMIT with `DeviceRateThrottle` (hub.throttling); past the limit DRF answers
        429 with a Retry-After header.
        """
        # --8<-- [end:get-throttles]
        throttles = []
        ### BEGIN SOLUTION (stage 5, addition) count device requests against HUB_RATE_LIMIT (429)
        if self._method() in self.device_methods:
            throttles.append(DeviceRateThrottle())
        ### END SOLUTION
        return throttles


# --8<-- [start:window]
def window(readings: QuerySet, query: dict) -> QuerySet:
    """Narrow readings to the query's sensor and time window: since <= recorded_at < until."""
    if "sensor" in query:
        readings = readings.filter(sensor=query["sensor"])
    if "since" in query:
        readings = readings.filter(recorded_at__gte=query["since"])
    if "until" in query:
        readings = readings.filter(recorded_at__lt=query["until"])
    return readings
# --8<-- [end:window]


# --8<-- [start:mean-without-overflow]
def mean_without_overflow(readings: QuerySet, count: int) -> float:
    """The mean of the readings' values as the sum of value / count, which cannot overflow.

    AVG adds every value first: two readings of 1e308 make a sum too large for a float
    (infinity), although their mean is 1e308.
    """
    return readings.aggregate(mean=Sum(F("value") / count))["mean"]
# --8<-- [end:mean-without-overflow]


# --8<-- [start:health]
# --8<-- [start:health-view]
class HealthView(HubView):
    """`GET /health`: is the hub up, and which framework serves it."""

    def get(self, request: Request) -> Response:
        """Answer `{"status": "ok", "framework": "django"}`: the hub is up.

        Monitoring and the grader call this first. DRF's `Response` turns the dictionary
        into a JSON answer with status 200.
        """
        # --8<-- [end:health-view]
        ### BEGIN SOLUTION (stage 1)
        # --8<-- [start:health-body]
        return Response({"status": "ok", "framework": "django"})
        # --8<-- [end:health-body]
        ### END SOLUTION
# --8<-- [end:health]


# --8<-- [start:device-list-view]
class DeviceListView(HubView):
    """`/devices`: list (public), register (admin)."""

    admin_methods = frozenset({"POST"})

    def get(self, request: Request) -> Response:
        """Every device, ordered by id."""
        devices = Device.objects.order_by("id")
        return Response({"devices": s.DeviceSerializer(devices, many=True).data})

    def post(self, request: Request) -> Response:
        """Register a device; its key is in this answer only (the hub keeps just its hash)."""
        # --8<-- [end:device-list-view]
        ### BEGIN SOLUTION (stage 1)
        serializer = s.DeviceCreateSerializer(data=self.read_json(request))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if Device.objects.filter(pk=data["id"]).exists():
            raise Conflict(f"A device with id {data['id']!r} exists already.")
        api_key = new_api_key()
        device = Device.objects.create(**data, api_key_hash=hash_key(api_key))
        body = {**s.DeviceSerializer(device).data, "api_key": api_key}
        location = reverse("hub:device-detail", args=[device.id])
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})
        ### END SOLUTION


# --8<-- [start:device-detail-view]
class DeviceDetailView(HubView):
    """`/devices/{id}`: get (public), delete (admin)."""

    admin_methods = frozenset({"DELETE"})

    def get(self, request: Request, device_id: str) -> Response:
        """One device, never its key."""
        device = get_object_or_404(Device, pk=device_id)
        return Response(s.DeviceSerializer(device).data)

    def delete(self, request: Request, device_id: str) -> Response:
        """Delete the device; its readings and commands go with it (on_delete=CASCADE)."""
        get_object_or_404(Device, pk=device_id).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
# --8<-- [end:device-detail-view]


# --8<-- [start:reading-list-post]
class ReadingListView(HubView):
    """`/devices/{id}/readings`: a device posts (its key), anyone reads."""

    device_methods = frozenset({"POST"})

    def post(self, request: Request, device_id: str) -> Response:
        """Store one reading, or a batch `{"readings": [...]}` all or nothing.

        201 when something new was stored; 200 when every reading was a `seq` replay.
        """
        # --8<-- [end:reading-list-post]
        ### BEGIN SOLUTION (stage 2)
        data = self.read_json(request)
        is_batch = isinstance(data, dict) and "readings" in data
        if is_batch:
            serializer = s.ReadingBatchSerializer(data=data)
            serializer.is_valid(raise_exception=True)
            readings = serializer.validated_data["readings"]
        else:
            serializer = s.ReadingCreateSerializer(data=data)
            serializer.is_valid(raise_exception=True)
            readings = [serializer.validated_data]
        stored, created = store_readings(request.auth, readings)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        if not is_batch:
            return Response(s.ReadingSerializer(stored[0]).data, status=code)
        answer = s.ReadingSerializer(stored, many=True).data
        body = {"readings": answer, "created": created, "replayed": len(stored) - created}
        return Response(body, status=code)
        ### END SOLUTION

    # --8<-- [start:reading-list-get]
    def get(self, request: Request, device_id: str) -> Response:
        """One page of readings, newest first, with the URL of the next page (or null)."""
        # --8<-- [end:reading-list-get]
        ### BEGIN SOLUTION (stage 3)
        device = get_object_or_404(Device, pk=device_id)
        serializer = s.ReadingQuerySerializer(data=request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        query = serializer.validated_data
        readings = window(device.readings.order_by("-recorded_at", "-id"), query)
        if "cursor" in query:
            readings = readings.filter(after(query["cursor"]))
        page = list(readings[: query["limit"] + 1])  # one more than asked: is there a next page?
        has_next = len(page) > query["limit"]
        page = page[: query["limit"]]
        next_url = next_page_url(request, page[-1]) if has_next else None
        return Response({"readings": s.ReadingSerializer(page, many=True).data, "next": next_url})
        ### END SOLUTION


# --8<-- [start:store-readings-stub]
def store_readings(device: Device, readings: list[dict]) -> tuple[list[Reading], int]:
    """Store the readings and mark the device seen, in one transaction; return (readings, new).

    The readings come back in the order sent. A reading whose `seq` the device sent before
    is not stored again: the reading stored the first time stands in for it.
    """
    # --8<-- [end:store-readings-stub]
    ### BEGIN SOLUTION (stage 2)
    seqs = [reading["seq"] for reading in readings if "seq" in reading]
    replayed = {}
    if seqs:  # only readings sent with a seq can be replays
        stored = Reading.objects.filter(device=device, seq__in=seqs)
        replayed = {reading.seq: reading for reading in stored}
    result = [replayed.get(data.get("seq")) or Reading(device=device, **data) for data in readings]
    new = [reading for reading in result if reading.pk is None]
    try:
        with transaction.atomic():
            Reading.objects.bulk_create(new)
            device.mark_seen()
    except IntegrityError:  # another request stored one of these seqs since we looked
        raise Conflict("Another request stored these readings at the same time; retry.") from None
    return result, len(new)
    ### END SOLUTION


# --8<-- [start:latest-readings-view]
class LatestReadingsView(HubView):
    """`/devices/{id}/readings/latest`: the latest reading of each sensor."""

    def get(self, request: Request, device_id: str) -> Response:
        """One reading per sensor, ordered by sensor: the one with the latest recorded_at."""
        # --8<-- [end:latest-readings-view]
        ### BEGIN SOLUTION (stage 3)
        device = get_object_or_404(Device, pk=device_id)
        sensors = sorted(device.readings.values_list("sensor", flat=True).distinct())
        latest = []
        for sensor in sensors:
            latest.append(device.readings.filter(sensor=sensor).latest("recorded_at", "id"))
        return Response({"readings": s.ReadingSerializer(latest, many=True).data})
        ### END SOLUTION


# --8<-- [start:reading-stats-view]
class ReadingStatsView(HubView):
    """`/devices/{id}/readings/stats`: count, min, max, mean of one sensor, by the database."""

    def get(self, request: Request, device_id: str) -> Response:
        """Aggregate in SQL: count 0 and nulls when nothing matches."""
        # --8<-- [end:reading-stats-view]
        ### BEGIN SOLUTION (stage 3)
        device = get_object_or_404(Device, pk=device_id)
        serializer = s.StatsQuerySerializer(data=request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        query = serializer.validated_data
        readings = window(device.readings.all(), query)
        stats = readings.aggregate(
            count=Count("id"),
            min=Min("value"),
            max=Max("value"),
            mean=Avg("value"),
            first_recorded_at=Min("recorded_at"),
            last_recorded_at=Max("recorded_at"),
        )
        ### END SOLUTION
        ### BEGIN SOLUTION (stage 5, addition) recompute a mean whose sum overflowed
        if stats["mean"] is not None and not math.isfinite(stats["mean"]):
            stats["mean"] = mean_without_overflow(readings, stats["count"])
        ### END SOLUTION
        # --8<-- [start:reading-stats-return]
        return Response(s.StatsSerializer({"sensor": query["sensor"], **stats}).data)
        # --8<-- [end:reading-stats-return]


# --8<-- [start:command-list-post]
class CommandListView(HubView):
    """`/devices/{id}/commands`: the admin queues, the device polls."""

    admin_methods = frozenset({"POST"})
    device_methods = frozenset({"GET"})

    def post(self, request: Request, device_id: str) -> Response:
        """Queue a command for the device: 201, status pending."""
        # --8<-- [end:command-list-post]
        ### BEGIN SOLUTION (stage 4)
        device = get_object_or_404(Device, pk=device_id)
        serializer = s.CommandCreateSerializer(data=self.read_json(request))
        serializer.is_valid(raise_exception=True)
        command = Command.objects.create(device=device, **serializer.validated_data)
        return Response(s.CommandSerializer(command).data, status=status.HTTP_201_CREATED)
        ### END SOLUTION

    # --8<-- [start:command-list-get]
    def get(self, request: Request, device_id: str) -> Response:
        """The device's commands of one status (pending by default), oldest first."""
        # --8<-- [end:command-list-get]
        ### BEGIN SOLUTION (stage 4)
        device = request.auth
        serializer = s.CommandQuerySerializer(data=request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        wanted = serializer.validated_data["status"]
        commands = device.commands.order_by("created_at", "id")
        if wanted != "all":
            commands = commands.filter(status=wanted)
        device.mark_seen()
        return Response({"commands": s.CommandSerializer(commands, many=True).data})
        ### END SOLUTION


# --8<-- [start:command-ack-view]
class CommandAckView(HubView):
    """`/devices/{id}/commands/{command_id}/ack`: the device says done or failed."""

    device_methods = frozenset({"POST"})

    def post(self, request: Request, device_id: str, command_id: int) -> Response:
        """Acknowledge a pending command of this device once; a second time is a 409."""
        # --8<-- [end:command-ack-view]
        ### BEGIN SOLUTION (stage 4)
        command = get_object_or_404(Command, pk=command_id, device=request.auth)
        serializer = s.CommandAckSerializer(data=self.read_json(request))
        serializer.is_valid(raise_exception=True)
        if command.status != Command.Status.PENDING:
            raise Conflict(f"Command {command_id} was acknowledged already ({command.status}).")
        command.status = serializer.validated_data["status"]
        command.detail = serializer.validated_data.get("detail")
        command.acked_at = timezone.now()
        command.save()
        return Response(s.CommandSerializer(command).data)
        ### END SOLUTION
