"""``/dashboard/``: the hub's web pages for people, beside the JSON API for programs.

This module is given code: it has nothing for you to write and no test grades it. Lesson 9,
"A dashboard", explains it line by line. The pages are HTML made from Jinja templates
(``hub/templates/dashboard/``); the data comes from the same tables the API writes::

    GET  /dashboard/login                  the log-in form
    POST /dashboard/login                  paste the admin token: logged in for this browser
    POST /dashboard/logout                 forget it
    GET  /dashboard/                       every device and its latest values
    GET  /dashboard/devices/<id>           one device: latest values, a chart, buttons, commands
    POST /dashboard/devices/<id>/commands  a button: queue a command for the device

How it stays safe:

- Every page but the log-in form needs the admin. The admin logs in once by pasting the
  admin token; the hub compares it with ``hmac.compare_digest`` and remembers the answer in
  Flask's *session*, a cookie signed with the app's ``SECRET_KEY``: the browser can read
  it but cannot change it without the signature breaking.
- Every form carries a CSRF token (Flask-WTF's ``CSRFProtect``): another web site can make
  your browser send a form to the hub, with your cookie, but it cannot read the token, so
  the hub refuses its form with 400. Only the dashboard's forms are checked: the JSON API
  authenticates with headers, which a browser never adds by itself, so it needs no token.
- Jinja escapes every value it writes into the HTML: a device called
  ``<script>...</script>`` shows as text, and never runs in the admin's browser.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from . import readings
from .db import db
from .models import Command, Device, Reading, get_device_or_404

View = TypeVar("View", bound=Callable[..., Any])

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
csrf = CSRFProtect()

# --8<-- [start:buttons]
BUTTONS = [
    ("led", "on", "LED on"),
    ("led", "off", "LED off"),
    ("heater", "on", "Heater on"),
    ("heater", "off", "Heater off"),
    ("lamp", "on", "Lamp on"),
    ("lamp", "off", "Lamp off"),
]
"""The command buttons of a device's page: (name, value, label). Only these are queued."""
# --8<-- [end:buttons]

CHART_READINGS = 120
"""How many of a sensor's newest readings the chart draws."""
CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 600, 200, 10
"""The chart's size in SVG pixels, and the empty margin around the line."""
STAGE_3_MISSING = ("Write stage 3 of the hub (reading back) to see each sensor's latest "
                   "value here.")
"""Shown instead of the latest values while the API's "latest" view is still a stub."""
DEFAULT_SENSOR = "temperature"
"""The sensor a device's chart shows when the URL names none (and the device has it)."""


# --8<-- [start:init]
def init_app(app: Flask) -> None:
    """Give the app a secret key for its session cookie, CSRF checks, and the pages."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = session_key(str(app.config["HUB_ADMIN_TOKEN"]))
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"  # other sites' forms come without it
    app.config.setdefault("DASHBOARD_REFRESH_SECONDS", 10)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # check_csrf() below: the dashboard only
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # a token lasts as long as the session
    csrf.init_app(app)
    app.register_blueprint(bp)


def session_key(admin_token: str) -> str:
    """Derive the key that signs session cookies from the admin token (one secret to keep).

    Every worker of the hub derives the same key, so a cookie signed by one is good for all;
    a new admin token gives a new key, which logs every browser out. HMAC is one-way: the
    key does not give the token away.
    """
    return hmac.new(admin_token.encode(), b"hub dashboard sessions", hashlib.sha256).hexdigest()


@bp.before_request
def check_csrf() -> None:
    """Refuse a dashboard form (a POST) that does not carry this session's CSRF token: 400."""
    csrf.protect()
# --8<-- [end:init]


# --8<-- [start:login]
def login_required(view: View) -> View:
    """Guard a page: a browser that has not logged in is sent to the log-in form."""

    @functools.wraps(view)
    def wrapped(**kwargs: Any) -> Any:
        if not session.get("admin"):
            return redirect(url_for("dashboard.login"))
        return view(**kwargs)

    return wrapped  # type: ignore[return-value]


def is_admin_token(token: str) -> bool:
    """Whether ``token`` is the admin token, compared in constant time."""
    expected = str(current_app.config["HUB_ADMIN_TOKEN"])
    return hmac.compare_digest(token.encode(), expected.encode())


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Show the log-in form; on POST, log in with the admin token (401 when it is wrong)."""
    if request.method == "POST":
        if is_admin_token(request.form.get("token", "")):
            session.clear()  # start a fresh session: nothing from before the log-in is kept
            session["admin"] = True
            return redirect(url_for("dashboard.index"))
        return render_template("dashboard/login.html", error="That is not the admin token."), 401
    return render_template("dashboard/login.html")


@bp.post("/logout")
def logout() -> Any:
    """Forget the log-in of this browser."""
    session.clear()
    flash("You are logged out.")
    return redirect(url_for("dashboard.login"))
# --8<-- [end:login]


# --8<-- [start:index]
@bp.get("/")
@login_required
def index() -> str:
    """Every device, when it was last seen, and the latest value of each of its sensors."""
    devices = db.session.scalars(select(Device).order_by(Device.id)).all()
    latest = {device.id: latest_readings(device.id) for device in devices}
    if None in latest.values():
        flash(STAGE_3_MISSING)
    return render_template("dashboard/index.html", devices=devices, latest=latest)
# --8<-- [end:index]


# --8<-- [start:device]
@bp.get("/devices/<slug:device_id>")
@login_required
def device(device_id: str) -> str:
    """One device: its latest values, a chart of one sensor, the buttons, its commands."""
    device = get_device_or_404(device_id)
    latest = latest_readings(device.id)
    if latest is None:
        flash(STAGE_3_MISSING)
    sensors = [reading["sensor"] for reading in latest or []]
    sensor = request.args.get("sensor") or default_sensor(sensors)
    readings = recent_readings(device.id, sensor) if sensor else []
    return render_template(
        "dashboard/device.html",
        device=device,
        latest=latest or [],
        sensors=sensors,
        sensor=sensor,
        readings=readings,
        points=chart_points(readings),
        buttons=BUTTONS,
        commands=recent_commands(device.id),
    )
# --8<-- [end:device]


# --8<-- [start:queue]
@bp.post("/devices/<slug:device_id>/commands")
@login_required
def queue_command(device_id: str) -> Any:
    """A button was pressed: queue its command, as the API would, and show the page again."""
    device = get_device_or_404(device_id)
    name, _, value = request.form.get("command", "").partition(" ")
    if (name, value) not in [(n, v) for n, v, _ in BUTTONS]:
        abort(400, f"The dashboard has no button for the command {name!r} {value!r}.")
    command = Command(device_id=device.id, name=name, value=value, status="pending")
    db.session.add(command)
    db.session.commit()
    flash(f"Queued command {command.id}: {name} {value}. "
          f"{device.name} carries it out when it next asks the hub for commands.")
    return redirect(url_for("dashboard.device", device_id=device.id))
# --8<-- [end:queue]


# --8<-- [start:errors]
@bp.errorhandler(HTTPException)
def show_error(error: HTTPException) -> tuple[str, int]:
    """Answer a dashboard error (404, a refused CSRF token...) with a page, not JSON."""
    return render_template("dashboard/error.html", error=error), error.code or 500
# --8<-- [end:errors]


# --8<-- [start:when]
@bp.app_template_filter("when")
def when(moment: datetime | str | None) -> str:
    """Jinja filter: ``{{ device.last_seen_at|when }}`` gives ``2026-11-24 10:00:05 UTC``
    (from a datetime, or from the API's ISO 8601 text such as ``2026-11-24T10:00:05Z``)."""
    if moment is None:
        return "never"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")
# --8<-- [end:when]


# --- the queries ---------------------------------------------------------------------------


def latest_readings(device_id: str) -> list[dict[str, Any]] | None:
    """The newest reading of each sensor of a device, ordered by sensor, as the API's
    ``GET .../readings/latest`` gives them: the dashboard calls that view,
    `readings.latest_readings`, which is stage 3 of the project. None until it is written."""
    try:
        return readings.latest_readings(device_id)["readings"]
    except NotImplementedError:
        return None


def recent_readings(device_id: str, sensor: str) -> list[Reading]:
    """A sensor's newest ``CHART_READINGS`` readings, oldest first (as a chart reads)."""
    query = (
        select(Reading)
        .where(Reading.device_id == device_id, Reading.sensor == sensor)
        .order_by(Reading.recorded_at.desc(), Reading.id.desc())
        .limit(CHART_READINGS)
    )
    return list(reversed(db.session.scalars(query).all()))


def recent_commands(device_id: str, count: int = 10) -> list[Command]:
    """A device's newest commands, newest first."""
    query = (
        select(Command)
        .where(Command.device_id == device_id)
        .order_by(Command.id.desc())
        .limit(count)
    )
    return list(db.session.scalars(query))


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
    start = readings[0].recorded_at
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
