"""The dashboard's pages (see the package's docstring for the list and how they stay safe).

Each view is a plain Django function: it takes the request and returns
``render(request, "dashboard/....html", context)``, an HTML page. The views read the tables
with the models of ``hub/models.py``, the same rows the API writes; the latest values come
from the API's own view of stage 3.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.request import Request

from .. import exceptions as api_errors
from ..models import Command, Device, Reading
from ..views import LatestReadingsView
from .forms import BUTTONS, CommandForm, LoginForm

View = TypeVar("View", bound=Callable[..., HttpResponse])

CHART_READINGS = 120
"""How many of a sensor's newest readings the chart draws."""
CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 600, 200, 10
"""The chart's size in SVG pixels, and the empty margin around the line."""
STAGE_3_MISSING = ("Write stage 3 of the hub (reading back) to see each sensor's latest "
                   "value here.")
"""Shown instead of the latest values while the API's "latest" view is still a stub."""
DEFAULT_SENSOR = "temperature"
"""The sensor a device's chart shows when the URL names none (and the device has it)."""
DASHBOARD_PREFIX = "/dashboard/"


def refresh_seconds() -> int:
    """How often the pages reload themselves: settings.DASHBOARD_REFRESH_SECONDS, or 10."""
    return getattr(settings, "DASHBOARD_REFRESH_SECONDS", 10)


# --8<-- [start:login]
def login_required(view: View) -> View:
    """Guard a page: a browser that has not logged in is sent to the log-in form."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if not request.session.get("admin"):
            return redirect("dashboard:login")
        return view(request, **kwargs)

    return wrapped  # type: ignore[return-value]


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Show the log-in form; on POST, log in with the admin token (401 when it is wrong)."""
    if request.method == "POST":
        form = LoginForm(request.POST)
        if form.is_valid():
            request.session.flush()  # a fresh session: nothing from before the log-in is kept
            rotate_token(request)  # and a fresh CSRF token, as Django's own login() does
            request.session["admin"] = True
            request.session.set_expiry(0)  # until the browser closes
            return redirect("dashboard:index")
        return render(request, "dashboard/login.html", {"form": form}, status=401)
    return render(request, "dashboard/login.html", {"form": LoginForm()})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Forget the log-in of this browser."""
    request.session.flush()
    messages.info(request, "You are logged out.")
    return redirect("dashboard:login")
# --8<-- [end:login]


# --8<-- [start:errors]
def html_errors(view: View) -> View:
    """Answer a page's 404 or 400 with an HTML page, not the API's JSON envelope.

    Django's error handlers (handler404, ... in config.urls) are one for the whole project,
    and they answer in the API's envelope; so the dashboard's views catch their own errors.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, **kwargs)
        except Http404 as error:
            return error_page(request, 404, str(error))
        except BadRequest as error:
            return error_page(request, 400, str(error))

    return wrapped  # type: ignore[return-value]


def error_page(request: HttpRequest, status: int, reason: str) -> HttpResponse:
    """The page of an error: its status, its name ("Not Found") and why."""
    context = {"status": status, "title": HTTPStatus(status).phrase, "reason": reason}
    return render(request, "dashboard/error.html", context, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form refused for its CSRF token, answered with 403.

    On the dashboard, an HTML page; anywhere else, the API's JSON envelope.
    """
    if not request.path_info.startswith(DASHBOARD_PREFIX):
        return api_errors.csrf_failure(request, reason)
    return error_page(request, 403, f"CSRF check failed: {reason}")
# --8<-- [end:errors]


# --8<-- [start:index]
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Every device, when it was last seen, and the latest value of each of its sensors."""
    devices = Device.objects.order_by("id")
    rows = [(device, latest_readings(request, device.id)) for device in devices]
    if any(latest is None for _, latest in rows):
        messages.info(request, STAGE_3_MISSING)
    context = {"rows": rows, "refresh_seconds": refresh_seconds()}
    return render(request, "dashboard/index.html", context)
# --8<-- [end:index]


# --8<-- [start:device]
@login_required
@html_errors
def device(request: HttpRequest, device_id: str) -> HttpResponse:
    """One device: its latest values, a chart of one sensor, the buttons, its commands."""
    device = get_device_or_404(device_id)
    latest = latest_readings(request, device.id)
    if latest is None:
        messages.info(request, STAGE_3_MISSING)
    sensors = [reading["sensor"] for reading in latest or []]
    sensor = request.GET.get("sensor") or default_sensor(sensors)
    readings = recent_readings(device.id, sensor) if sensor else []
    values = [reading.value for reading in readings]
    return render(request, "dashboard/device.html", {
        "device": device,
        "latest": latest or [],
        "sensor": sensor,
        "readings": readings,
        "points": chart_points(readings),
        "low": min(values, default=None),  # Django's templates have no min or max filter
        "high": max(values, default=None),
        "buttons": BUTTONS,
        "commands": recent_commands(device.id),
        "refresh_seconds": refresh_seconds(),
    })
# --8<-- [end:device]


# --8<-- [start:queue]
@require_POST
@login_required
@html_errors
def queue_command(request: HttpRequest, device_id: str) -> HttpResponse:
    """A button was pressed: queue its command, as the API would, and show the page again."""
    device = get_device_or_404(device_id)
    form = CommandForm(request.POST)
    if not form.is_valid():
        raise BadRequest(f"The dashboard has no such button. {' '.join(form.errors['command'])}")
    name, value = form.name_and_value()
    command = Command.objects.create(device=device, name=name, value=value)
    messages.success(request, f"Queued command {command.id}: {name} {value}. "
                     f"{device.name} carries it out when it next asks the hub for commands.")
    return redirect("dashboard:device", device_id=device.id)
# --8<-- [end:queue]


# --- the queries ---------------------------------------------------------------------------


def get_device_or_404(device_id: str) -> Device:
    """The device with this id, or Http404 that says which id."""
    device = Device.objects.filter(pk=device_id).first()
    if device is None:
        raise Http404(f"There is no device {device_id!r}.")
    return device


# --8<-- [start:latest]
def latest_readings(request: HttpRequest, device_id: str) -> list[dict[str, Any]] | None:
    """The newest reading of each sensor of a device, ordered by sensor, as the API's
    ``GET .../readings/latest`` gives them: the dashboard calls that view's method,
    `LatestReadingsView.get`, which is stage 3 of the project. None until it is written."""
    try:
        response = LatestReadingsView().get(Request(request), device_id)
    except NotImplementedError:
        return None
    return response.data["readings"]
# --8<-- [end:latest]


def recent_readings(device_id: str, sensor: str) -> list[Reading]:
    """A sensor's newest ``CHART_READINGS`` readings, oldest first (as a chart reads)."""
    newest = Reading.objects.filter(device_id=device_id, sensor=sensor).order_by(
        "-recorded_at", "-id"
    )[:CHART_READINGS]
    return list(reversed(newest))


def recent_commands(device_id: str, count: int = 10) -> list[Command]:
    """A device's newest commands, newest first."""
    return list(Command.objects.filter(device_id=device_id).order_by("-id")[:count])


def default_sensor(sensors: list[str]) -> str | None:
    """The sensor to chart when the URL names none: temperature if there is one, else the first."""
    if DEFAULT_SENSOR in sensors:
        return DEFAULT_SENSOR
    return sensors[0] if sensors else None


# --8<-- [start:chart]
def chart_points(readings: list[Reading]) -> list[tuple[float, float]]:
    """Place each reading (oldest first) in the chart: ``(x, y)`` in SVG pixels.

    Time runs left to right, from the first reading to the last; values run bottom to top,
    from the lowest to the highest. SVG counts y downwards from the top edge, so a high
    value gets a small y. With one reading, or values that never change, the line sits in
    the middle.
    """
    if not readings:
        return []
    start: datetime = readings[0].recorded_at
    seconds = [(reading.recorded_at - start).total_seconds() for reading in readings]
    values = [reading.value for reading in readings]
    low, high = min(values), max(values)
    width = CHART_WIDTH - 2 * CHART_MARGIN
    height = CHART_HEIGHT - 2 * CHART_MARGIN
    points = []
    for second, value in zip(seconds, values, strict=True):
        across = second / seconds[-1] if seconds[-1] else 0.5
        up = (value - low) / (high - low) if high > low else 0.5
        x = CHART_MARGIN + across * width
        y = CHART_MARGIN + (1 - up) * height
        points.append((round(x, 1), round(y, 1)))
    return points
# --8<-- [end:chart]
