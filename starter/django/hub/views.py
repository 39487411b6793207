"""The hub's API, one view class per resource path of the contract (see hub.urls).

Each view says which methods need a device key and which the admin token; the rest is
public. DRF then runs, in order: authentication (hub.authentication), permissions, the
handler. Errors become the contract's envelope in hub.exceptions.
"""

from __future__ import annotations

import base64
import binascii
import math
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import serializers as s
from .authentication import AdminTokenAuthentication, DeviceKeyAuthentication, IsAdmin, IsDevice
from .exceptions import Conflict, invalid
from .models import Command, Device, Reading


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

    def read_json(self, request: Request) -> Any:
        """The request's JSON body: 415 if not sent as JSON, 400 if empty or malformed."""
        media_type = (request.content_type or "").split(";")[0].strip().lower()
        if media_type != "application/json":
            raise exceptions.UnsupportedMediaType(
                media_type or "none", "Send the body as JSON with Content-Type: application/json."
            )
        if not request.body:
            raise exceptions.ParseError("The body is empty; send a JSON object.")
        return request.data

    def validated(self, serializer_class: type, data: Any) -> dict:
        """Validate data with a serializer; a 400 validation_error if it is refused."""
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


SEEN_RESOLUTION = timedelta(seconds=1)


def get_device(device_id: str) -> Device:
    """The device, or 404."""
    return get_object_or_404(Device, pk=device_id)


def mark_seen(device: Device) -> None:
    """Record that the device just talked to the hub, to within `SEEN_RESOLUTION`."""
    now = timezone.now()
    if device.last_seen_at is not None and now - device.last_seen_at < SEEN_RESOLUTION:
        return  # a device posting several times a second: one UPDATE a second is enough
    device.last_seen_at = now
    Device.objects.filter(pk=device.pk).update(last_seen_at=now)


# --8<-- [start:health]
class HealthView(HubView):
    """`GET /health`: is the hub up, and which framework serves it."""

    def get(self, request: Request) -> Response:
        """Always ok."""
        return Response({"status": "ok", "framework": "django"})
# --8<-- [end:health]


class DeviceListView(HubView):
    """`/devices`: list (public), create (admin)."""

    admin_methods = frozenset({"POST"})

    def get(self, request: Request) -> Response:
        """Every device, ordered by id."""
        ### BEGIN SOLUTION
        devices = Device.objects.order_by("id")
        return Response({"devices": s.DeviceSerializer(devices, many=True).data})
        ### END SOLUTION

    def post(self, request: Request) -> Response:
        """Register a device; its key is in this response only."""
        ### BEGIN SOLUTION
        data = self.validated(s.DeviceCreateSerializer, self.read_json(request))
        if Device.objects.filter(pk=data["id"]).exists():
            raise Conflict(f"A device with id {data['id']!r} exists already.")
        device = Device(**data)
        api_key = device.set_new_api_key()
        try:
            with transaction.atomic():
                device.save(force_insert=True)
        except IntegrityError:
            raise Conflict(f"A device with id {data['id']!r} exists already.") from None
        body = {**s.DeviceSerializer(device).data, "api_key": api_key}
        location = reverse("hub:device-detail", kwargs={"device_id": device.id})
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})
        ### END SOLUTION


class DeviceDetailView(HubView):
    """`/devices/{id}`: get (public), delete (admin)."""

    admin_methods = frozenset({"DELETE"})

    def get(self, request: Request, device_id: str) -> Response:
        """One device, never its key."""
        ### BEGIN SOLUTION
        return Response(s.DeviceSerializer(get_device(device_id)).data)
        ### END SOLUTION

    def delete(self, request: Request, device_id: str) -> Response:
        """Delete the device; its readings and commands cascade."""
        ### BEGIN SOLUTION
        get_device(device_id).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
        ### END SOLUTION


def encode_cursor(reading: Reading) -> str:
    """The opaque cursor after `reading`: its time and id."""
    ### BEGIN SOLUTION
    raw = f"{reading.recorded_at.isoformat()}|{reading.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
    ### END SOLUTION


def decode_cursor(cursor: str) -> Q:
    """The filter for the readings after a cursor; 400 if the cursor is not one of ours."""
    ### BEGIN SOLUTION
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, _, reading_id = raw.partition("|")
        after, last_id = s.parse_timestamp(moment), int(reading_id)
    except (ValueError, binascii.Error):
        raise invalid(["cursor"], "Not a cursor this hub gave out.") from None
    return Q(recorded_at__lt=after) | Q(recorded_at=after, id__lt=last_id)
    ### END SOLUTION


def window(queryset: QuerySet, query: dict) -> QuerySet:
    """Narrow readings to a sensor and a time window [since, until)."""
    ### BEGIN SOLUTION
    if query.get("sensor"):
        queryset = queryset.filter(sensor=query["sensor"])
    if query.get("since"):
        queryset = queryset.filter(recorded_at__gte=query["since"])
    if query.get("until"):
        queryset = queryset.filter(recorded_at__lt=query["until"])
    return queryset
    ### END SOLUTION


class ReadingListView(HubView):
    """`/devices/{id}/readings`: a device posts (its key), anyone reads."""

    device_methods = frozenset({"POST"})

    def get(self, request: Request, device_id: str) -> Response:
        """One page of readings, newest first, with the URL of the next page."""
        ### BEGIN SOLUTION
        device = get_device(device_id)
        query = self.validated(s.ReadingQuerySerializer, request.query_params.dict())
        limit = query.get("limit", 100)
        readings = window(device.readings.all(), query)
        if query.get("cursor"):
            readings = readings.filter(decode_cursor(query["cursor"]))
        page = list(readings.order_by("-recorded_at", "-id")[: limit + 1])
        next_url = None
        if len(page) > limit:
            page = page[:limit]
            params = {**request.query_params.dict(), "cursor": encode_cursor(page[-1])}
            next_url = f"{request.path}?{urlencode(params)}"
        return Response({"readings": [s.reading_json(r) for r in page], "next": next_url})
        ### END SOLUTION

    def post(self, request: Request, device_id: str) -> Response:
        """Store one reading or a batch, all or nothing; a `seq` replay is stored once."""
        ### BEGIN SOLUTION
        device = request.auth
        readings, is_batch = s.validate_readings(self.read_json(request))
        stored, created = store_readings(device, readings)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        data = [s.reading_json(reading) for reading in stored]
        if not is_batch:
            return Response(data[0], status=code)
        body = {"readings": data, "created": created, "replayed": len(stored) - created}
        return Response(body, status=code)
        ### END SOLUTION


def store_readings(device: Device, readings: list[dict]) -> tuple[list[Reading], int]:
    """Store the readings and mark the device seen in one transaction; return (readings, new).

    The readings come back in the request's order. A reading whose (device, seq) is stored
    already is not stored again: the stored one stands in for it. Two requests racing with
    the same seq: the loser retries once.
    """
    ### BEGIN SOLUTION
    for attempt in range(2):
        try:
            with transaction.atomic():
                stored = insert_new_readings(device, readings)
                mark_seen(device)  # in the same transaction: one commit, not two
                return stored
        except IntegrityError:
            if attempt:
                raise Conflict("Another request stored these readings at the same time.") from None
    raise AssertionError("unreachable")
    ### END SOLUTION


def insert_new_readings(device: Device, readings: list[dict]) -> tuple[list[Reading], int]:
    """Insert the readings in one query; if a seq is stored already, insert only the rest."""
    ### BEGIN SOLUTION
    # Most POSTs carry new readings: try the INSERT first, in a savepoint so that a refusal
    # (the unique (device, seq) constraint: a replay) undoes only that INSERT. Only then
    # look the stored seqs up, in one query, and insert what is left.
    try:
        with transaction.atomic():
            return insert_except(device, readings, replayed={})
    except IntegrityError:
        pass
    seqs = [r["seq"] for r in readings if r.get("seq") is not None]
    # .order_by(): no need for the model's default ordering (a sort, and SQL to build).
    stored = device.readings.filter(seq__in=seqs).order_by()
    return insert_except(device, readings, replayed={r.seq: r for r in stored})
    ### END SOLUTION


def insert_except(
    device: Device, readings: list[dict], replayed: dict[int, Reading]
) -> tuple[list[Reading], int]:
    """Insert the readings whose seq is not in `replayed`; return all in order and the count."""
    ### BEGIN SOLUTION
    now = timezone.now()
    result = [
        replayed.get(r.get("seq"))
        or Reading(
            device=device,
            sensor=r["sensor"],
            value=r["value"],
            unit=r.get("unit"),
            recorded_at=r.get("recorded_at") or now,
            received_at=now,
            seq=r.get("seq"),
        )
        for r in readings
    ]
    new = [reading for reading in result if reading.pk is None]
    Reading.objects.bulk_create(new)
    return result, len(new)
    ### END SOLUTION


class LatestReadingsView(HubView):
    """`/devices/{id}/readings/latest`: the latest reading of each sensor."""

    def get(self, request: Request, device_id: str) -> Response:
        """One reading per sensor, ordered by sensor, each found by an index seek."""
        ### BEGIN SOLUTION
        device = get_device(device_id)
        latest = newest_per_sensor(device.readings.all())
        return Response({"readings": [s.reading_json(reading) for reading in latest]})
        ### END SOLUTION


def newest_per_sensor(readings: QuerySet) -> list[Reading]:
    """The newest reading of each sensor, in sensor order: one index seek per sensor.

    A window function (ROW_NUMBER() OVER (PARTITION BY sensor ...)) would rank every
    reading of the device: seconds for a million. SQL has no "skip to the next distinct
    value", and the ORM cannot write the recursive CTE that emulates it, so the loop does
    the skipping: each query asks the (device, sensor, recorded_at, id) index for the first
    sensor after the previous one and, for it, the newest reading (ORDER BY recorded_at
    DESC, id DESC LIMIT 1). A device with k sensors costs k + 1 small queries.
    """
    ### BEGIN SOLUTION
    latest: list[Reading] = []
    previous = ""  # a sensor is a non-empty slug: every one sorts after ""
    while True:
        next_sensor = readings.filter(sensor__gt=previous).order_by("sensor").values("sensor")[:1]
        newest = readings.filter(sensor=Subquery(next_sensor)).order_by("-recorded_at", "-id")
        reading = newest.first()
        if reading is None:
            return latest
        latest.append(reading)
        previous = reading.sensor
    ### END SOLUTION


class ReadingStatsView(HubView):
    """`/devices/{id}/readings/stats`: count, min, max, mean of one sensor, by the database."""

    def get(self, request: Request, device_id: str) -> Response:
        """Aggregate in SQL; count 0 and nulls when nothing matches."""
        ### BEGIN SOLUTION
        device = get_device(device_id)
        query = self.validated(s.StatsQuerySerializer, request.query_params.dict())
        readings = window(device.readings.all(), query)
        stats = readings.aggregate(
            count=Count("id"),
            min=Min("value"),
            max=Max("value"),
            mean=Avg("value"),
            first=Min("recorded_at"),
            last=Max("recorded_at"),
        )
        return Response(
            {
                "sensor": query["sensor"],
                "count": stats["count"],
                "min": stats["min"],
                "max": stats["max"],
                "mean": finite_mean(readings, stats),
                "first_recorded_at": s.format_timestamp(stats["first"]),
                "last_recorded_at": s.format_timestamp(stats["last"]),
            }
        )
        ### END SOLUTION


def finite_mean(readings: QuerySet, stats: dict) -> float | None:
    """The mean, summed as value / count when the plain sum overflowed (huge values)."""
    ### BEGIN SOLUTION
    mean = stats["mean"]
    if mean is None or math.isfinite(mean):
        return mean
    return readings.aggregate(mean=Sum(F("value") / stats["count"]))["mean"]
    ### END SOLUTION


class CommandListView(HubView):
    """`/devices/{id}/commands`: the admin queues, the device polls."""

    admin_methods = frozenset({"POST"})
    device_methods = frozenset({"GET"})

    def post(self, request: Request, device_id: str) -> Response:
        """Queue a command, status pending."""
        ### BEGIN SOLUTION
        device = get_device(device_id)
        data = self.validated(s.CommandCreateSerializer, self.read_json(request))
        command = Command.objects.create(device=device, **data)
        return Response(s.CommandSerializer(command).data, status=status.HTTP_201_CREATED)
        ### END SOLUTION

    def get(self, request: Request, device_id: str) -> Response:
        """The device's commands of one status (pending by default), oldest first."""
        ### BEGIN SOLUTION
        device = request.auth
        query = self.validated(s.CommandQuerySerializer, request.query_params.dict())
        commands = device.commands.order_by("created_at", "id")
        if query["status"] != "all":
            commands = commands.filter(status=query["status"])
        mark_seen(device)
        return Response({"commands": s.CommandSerializer(commands, many=True).data})
        ### END SOLUTION


class CommandAckView(HubView):
    """`/devices/{id}/commands/{command_id}/ack`: the device says done or failed."""

    device_methods = frozenset({"POST"})

    def post(self, request: Request, device_id: str, command_id: int) -> Response:
        """Acknowledge a pending command once; again is a 409."""
        ### BEGIN SOLUTION
        device = request.auth
        command = device.commands.filter(pk=command_id).first() if command_id <= 2**63 - 1 else None
        if command is None:
            raise exceptions.NotFound(f"Device {device.id!r} has no command {command_id}.")
        data = self.validated(s.CommandAckSerializer, self.read_json(request))
        now = timezone.now()
        acked = Command.objects.filter(pk=command.pk, status=Command.Status.PENDING).update(
            status=data["status"], detail=data.get("detail"), acked_at=now
        )
        if not acked:
            raise Conflict(f"Command {command_id} was acknowledged already.")
        command.refresh_from_db()
        return Response(s.CommandSerializer(command).data)
        ### END SOLUTION
