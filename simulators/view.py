"""The board view: a simulated Uno or Raspberry Pi as a live picture in a notebook.

``world.view()``, ``uno.view()`` or ``pi_factory.view()`` shows the board, the parts wired
to it and the room as a picture that follows the simulation: LEDs lit by brightness, the
relays, the servo's arm, the buzzer, the button, the room's temperature, humidity and light.
Beside it: a serial monitor (the lines the sketch prints, a box to send one) and a serial
plotter (the numbers in those lines over simulated time). Below it: controls that change the
simulation the way the Python API does (press and hold the button, someone walks by, the
daylight, the weather outside, the knob, unplugging the USB cable)::

    world = World(seed=1, clock="realtime")
    uno = world.add_uno("blink")
    uno.view()            # in JupyterLab: the board, blinking

How it works, for the next engineer:

* **One picture, drawn here.** :func:`draw_picture` draws the whole board as SVG in Python.
  Everything that changes is an element with a *binding*, a ``data-`` attribute naming a
  key of the view's values (``data-text="uno/builtin:text"``, ``data-flag="uno/builtin:on"``
  toggles the class ``on``, ``data-opacity``, ``data-angle``, ``data-points``). The drawing
  is sent to the browser once (again only when parts or plot rows come and go); after that
  the kernel sends only the values, and ``view_assets/board.js`` sets the bound attributes.
  The same function with the same values draws the static picture, so the live view and
  the SVG fallback cannot disagree.
* **Throttled.** A thread reads the board at most ``max_rate`` times a second (default 10)
  and sends the values when something but the clock changed, and at least once a second
  while the clock runs. LED changes between two sends travel as timed *events* that the
  browser replays at their simulated times, so a 10 Hz blink looks like one, not like a
  sampled mess. In virtual mode the thread only looks when simulated time moved (a cell
  advanced the clock), and the values are sent again when each cell finishes.
* **Watching changes nothing.** Reading the room's temperature integrates its model up to
  now; the view reads a copy of the room, so a seeded run gives the same results whether or
  not someone watches. Sensors are not read (a DHT22 read would use up a read, and noise
  would draw from the part's random generator): the view shows what they measure.
* **The serial monitor listens on the wire.** It hears every ``Serial.print`` through the
  link's listener hook (:attr:`SerialLink.listeners <simulators.uno.SerialLink>`) and reads
  the bytes just put on the board's transmit wire, like a probe on the TX pin: it sees the
  lines whether or not a program has the port open, and takes nothing away from that
  program. At a baud-rate mismatch it shows the same garbage that program gets. The send box
  writes through the host's end of the link at the board's baud rate, without opening the
  port (opening would reset the board); while a program has the port open, the box refuses,
  as the Arduino IDE's monitor cannot open a busy port.
* **Inputs call the API.** The browser sends a small message; :meth:`BoardView._act` calls
  the very methods a notebook would (``part.press()``, ``room.set_daylight(lux)``,
  ``uno.unplug()``, ...). The kernel handles messages between cells: while a cell runs,
  a press waits for it.
* **Static fallback.** The display bundle carries ``image/svg+xml`` beside the widget. In
  JupyterLab, Notebook 7 and VS Code the live widget wins; nbconvert (and sites built with
  it) shows the SVG when the notebook holds no widget state. When no browser ever showed the
  view (a notebook run by nbclient), the picture is replaced after every cell, so the saved
  notebook shows the last state. :meth:`BoardView.snapshot` shows the board now as a plain
  SVG image, for a notebook that wants a picture of one moment.
* **Cheap when unused.** Nothing imports this module (or anywidget) until ``view()`` is
  called.
"""

from __future__ import annotations

import copy
import json
import math
import re
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

try:
    import anywidget
    import traitlets
except ImportError as exc:  # pragma: no cover - the course's dev extra installs it
    raise ImportError(f"the board view needs anywidget ({exc}): pip install anywidget, or "
                      "install the course with its dev extra (make lab does)") from exc

from .errors import ConfigError, SimulatorError
from .parts import PARTS, Part
from .room import Room
from .uno import Uno
from .wiring import PiWiring
from .world import World

__all__ = ["BoardView", "view", "draw_picture", "Throttle", "SerialTap", "board_spots"]

ASSETS = Path(__file__).with_name("view_assets")

#: Width of the picture, in SVG units (pixels at 100 %).
WIDTH = 640
ROW = 34  # one part's row
ROOM_HEIGHT = 74
MONITOR_LINES = 8  # serial lines in the static picture
PLOT_ROW = 34
WALK_BY_S = 10.0  # how long someone moves when the "walk by" control is used


# -- what a board is made of ---------------------------------------------------------------


@dataclass(frozen=True)
class Spot:
    """One part as the view shows it: its board, its name, its kind, the label of its pin
    on the picture (``"D13"``, ``"GPIO17"``, ``"CE0 CH1"``) and the part itself."""

    board: str
    name: str
    kind: str
    pin: str
    part: Part

    @property
    def key(self) -> str:
        """``"<board>/<part>"``: every value of this part is named ``<key>:<what>``."""
        return f"{self.board}/{self.name}"


def board_kind(board: Any) -> str | None:
    """``"uno"``, ``"pi"``, or None for a board the view cannot draw."""
    if isinstance(board, Uno):
        return "uno"
    if isinstance(getattr(board, "wiring", None), PiWiring):
        return "pi"
    return None


def board_spots(board: Any) -> list[Spot]:
    """The parts of ``board`` in wiring order, each with its pin label."""
    kind = board_kind(board)
    if kind == "uno":
        return [_spot(board, spec["name"], _uno_pin(pin)) for pin, spec in board.wiring.items()]
    if kind == "pi":
        spots = [_spot(board, spec["name"], f"GPIO{pin}")
                 for pin, spec in board.wiring.pins.items()]
        for select, chip in board.wiring.spi.items():
            spots.append(_spot(board, chip["name"], f"SPI {select}"))
            spots += [_spot(board, spec["name"], f"{select} CH{channel}")
                      for channel, spec in sorted(chip["channels"].items())]
        return spots
    return []


def _spot(board: Any, name: str, pin: str) -> Spot:
    part = board.parts[name]
    return Spot(board.name, name, part.kind, pin, part)


def _uno_pin(pin: int) -> str:
    return f"D{pin}" if pin < 14 else f"A{pin - 14}"


# -- the serial monitor's ear ----------------------------------------------------------------


class SerialTap:
    """Listens on an Uno's transmit wire: the lines the sketch prints, and their numbers.

    It hears every ``Serial.print`` through ``link.listeners`` and takes the bytes just
    pushed onto the board-to-computer wire (``link.to_host``): what is on the wire, as a
    program with the port open receives it (garbage at the wrong baud rate). Nothing is
    taken out of the link, so a program reading the port gets every byte too.

    Lines are stamped with the simulated time their newline was printed. A line that is a
    JSON object (``{"temperature": 19.1, ...}``), ``label:value`` pairs or plain numbers adds
    points to :attr:`series`, one per numeric field, for the plotter.
    """

    def __init__(self, board: Uno, *, keep: int = 200, points: int = 240,
                 skip: Iterable[str] = ("seq", "ms"), fields: int = 6) -> None:
        self.board = board
        self.link = board.serial
        self.lines: deque[tuple[float, str]] = deque(maxlen=keep)
        self.series: dict[str, deque[tuple[float, float]]] = {}
        self.points = points
        self.skip = frozenset(skip)
        self.max_fields = fields
        self.heard = 0  # lines heard so far (the view compares it to send only news)
        self.activity = 0  # prints heard so far (the board's TX LED)
        self._partial = b""
        self._printed = self.link.printed
        #: Why the monitor stopped listening, if it had to (None while it listens).
        self.broken: str | None = None
        self.link.listeners.append(self._hear)

    def close(self) -> None:
        """Stop listening."""
        if self._hear in self.link.listeners:
            self.link.listeners.remove(self._hear)

    def _hear(self) -> None:
        """A ``Serial.print`` just happened: its bytes are the newest ones on the wire.

        This runs inside the sketch's ``Serial.print``: it must never raise, or the board
        would halt. If the link's wire ever changes shape, the monitor stops listening and
        says why (:attr:`broken`) instead.
        """
        link = self.link
        new, self._printed = link.printed - self._printed, link.printed
        if new <= 0:
            return
        try:
            data = newest_on_wire(link, new)
        except (AttributeError, IndexError, TypeError) as exc:
            self.broken = f"the monitor cannot read this board's serial link ({exc!r})"
            self.close()
            return
        self.activity += 1
        self.feed(data, link.clock.now())

    def feed(self, data: bytes, t: float) -> None:
        """Add printed bytes; every complete line is kept with time ``t``."""
        *complete, self._partial = (self._partial + data).split(b"\n")
        if len(self._partial) > 4096:  # a sketch that never prints a newline
            complete.append(self._partial)
            self._partial = b""
        for raw in complete:
            text = raw.rstrip(b"\r").decode("utf-8", "replace")
            self.lines.append((t, text))
            self.heard += 1
            for field, value in numbers_in(text):
                self._plot(field, t, value)

    def _plot(self, field: str, t: float, value: float) -> None:
        if field in self.skip:
            return
        if field not in self.series:
            if len(self.series) >= self.max_fields:
                return
            self.series[field] = deque(maxlen=self.points)
        self.series[field].append((t, value))


def newest_on_wire(link: Any, count: int) -> bytes:
    """The last ``count`` bytes the sketch put on its board-to-computer wire.

    Right after a ``Serial.print`` (when the link calls its listeners) the printed bytes are
    the newest ones queued on ``link.to_host``, a :class:`~simulators.uno.Wire` holding
    bursts of bytes sent back to back. There is no public way to peek at a wire, so this one
    function reads its bursts; nothing is taken out of it.
    """
    tail = b""
    for burst in reversed(link.to_host.bursts):
        tail = bytes(burst.data[-(count - len(tail)):]) + tail
        if len(tail) >= count:
            break
    return tail


_PAIR = re.compile(r"^([A-Za-z_][\w.]*)\s*[:=]\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)$")


def numbers_in(line: str) -> list[tuple[str, float]]:
    """The numeric fields of one serial line, the way the Arduino IDE's plotter reads them.

    ``{"temperature": 19.1, "motion": 0}`` (a JSON object; booleans and text are left out),
    ``temperature:19.1,humidity:48`` (label:value pairs) or ``19.1 48`` (plain numbers,
    named ``value 1``, ``value 2``). Anything else (``# ready``, ``OK LED ON``) has none.
    """
    text = line.strip()
    if not text or text.startswith("#"):
        return []
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return []
        if not isinstance(data, dict):
            return []
        return [(str(k), float(v)) for k, v in data.items()
                if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)]
    tokens = [t for t in re.split(r"[,\s\t]+", text) if t]
    pairs = [_PAIR.match(token) for token in tokens]
    if all(pairs):
        return [(m.group(1), float(m.group(2))) for m in pairs if m]
    try:
        return [(f"value {i}", float(token)) for i, token in enumerate(tokens, 1)]
    except ValueError:
        return []


# -- the values the picture shows --------------------------------------------------------------


@dataclass
class RoomReading:
    """The room now, read without changing it (see the module docstring)."""

    temperature: float
    humidity: float
    light: float
    daylight: float
    daylight_held: bool
    outside: float
    outside_held: bool
    heater: bool
    lamp: bool
    motion: bool

    @classmethod
    def read(cls, room: Room) -> RoomReading:
        # The copy integrates the temperature model on its own: the room keeps integrating
        # at the moments it always would, so watching does not change a seeded run.
        quiet = copy.copy(room)
        lamp = room.settings.lamp_lux if room.lamp_on else 0.0
        light = room.light()
        held_light = room.held_daylight
        held_outside = room.held_outside_temperature
        return cls(temperature=quiet.temperature(), humidity=quiet.humidity(), light=light,
                   daylight=light - lamp, daylight_held=held_light is not None,
                   outside=room.outside_temperature(), outside_held=held_outside is not None,
                   heater=room.heater_on, lamp=room.lamp_on, motion=room.motion())


def part_values(spot: Spot, room: RoomReading) -> dict[str, Any]:
    """The values one part shows: ``<key>:on`` (lit, pressed, switched on...), ``<key>:text``
    and what its kind needs besides (an LED's ``:glow``, a servo's ``:angle``)."""
    look = LOOKS.get(spot.kind, Look)
    return {f"{spot.key}:{name}": value for name, value in look.values(spot.part, room).items()}


def room_values(room: RoomReading, clock: Any) -> dict[str, Any]:
    """The room strip's values, and the clock line."""
    mode = clock.mode + (f" ×{clock.speed:g}" if clock.mode == "realtime" and clock.speed != 1
                         else "")
    return {
        "room:temperature": f"{room.temperature:.1f} °C",
        "room:humidity": f"{room.humidity:.0f} %",
        "room:light": f"{room.light:.0f} lux" + (" (held)" if room.daylight_held else ""),
        "room:outside": f"{room.outside:.1f} °C" + (" (held)" if room.outside_held else ""),
        "room:heater": room.heater,
        "room:lamp": room.lamp,
        "room:motion": room.motion,
        "room:motion_text": "someone moving" if room.motion else "nobody moving",
        "room:daylight": round(room.daylight, 1),
        "room:daylight_auto": not room.daylight_held,
        "room:outside_c": round(room.outside, 1),
        "room:outside_auto": not room.outside_held,
        "room:clock": f"t = {clock.now():.1f} s · {clock.datetime():%a %H:%M:%S} · {mode}",
    }


def board_values(board: Any, tap: SerialTap | None, tx_seen: int) -> dict[str, Any]:
    """The board's own values: powered, its title and status line, the TX LED."""
    name = board.name
    if board_kind(board) == "pi":
        return {f"{name}:plugged": True, f"{name}:power": True, f"{name}:tx": False,
                f"{name}:title": f"{name} · wiring {board.wiring.name}",
                f"{name}:status": "gpiozero pin factory 'sim'"}
    link = board.serial
    if not board.plugged:
        status = "unplugged"
    elif board.error is not None:
        status = f"halted: {type(board.error).__name__}"
    elif board.sketch is None:
        status = "booting"
    else:
        status = "running"
    if link.board_baud:
        status += f" · Serial {link.board_baud} baud"
    if link.host is not None:
        status += " · port open"
    return {f"{name}:plugged": board.plugged, f"{name}:power": board.plugged,
            f"{name}:tx": tap is not None and tap.activity != tx_seen,
            f"{name}:title": f"{name} · sketch {board.sketch_name}",
            f"{name}:status": status}


def plot_values(board: str, tap: SerialTap) -> dict[str, Any]:
    """Each plotted field: its polyline's points, its last value and its range."""
    values: dict[str, Any] = {}
    every = [t for series in tap.series.values() for t, _ in series]
    if not every:
        return values
    t0, t1 = min(every), max(every)
    for field, series in tap.series.items():
        key = f"{board}/plot/{field}"
        low = min(v for _, v in series)
        high = max(v for _, v in series)
        values[f"{key}:points"] = _polyline(series, t0, t1, low, high)
        values[f"{key}:last"] = _short(series[-1][1])
        values[f"{key}:range"] = f"{_short(low)} … {_short(high)}"
    values[f"{board}/plot:span"] = f"{t0:.0f} s … {t1:.0f} s (simulated)"
    return values


def _polyline(series: Iterable[tuple[float, float]], t0: float, t1: float,
              low: float, high: float) -> str:
    """SVG points for ``series`` in the plot strip's box (see :data:`PLOT_BOX`)."""
    x0, width, y0, height = PLOT_BOX
    span_t = (t1 - t0) or 1.0
    span_v = (high - low) or 1.0
    points = []
    for t, v in series:
        x = x0 + (t - t0) / span_t * width
        y = y0 + height - (v - low) / span_v * height if high != low else y0 + height / 2
        points.append(f"{x:.1f},{y:.1f}")
    return " ".join(points)


#: Where a plot strip draws inside its row: x, width, y offset, height.
PLOT_BOX = (170.0, 340.0, 5.0, 22.0)


def _short(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 100 or value == int(value) else f"{value:.2f}"


# -- how each kind of part looks ---------------------------------------------------------------


class Look:
    """How one kind of part is shown. Subclasses set :attr:`kind` and override
    :meth:`values` (what it shows now) and :meth:`icon` (its picture, 32 × 30 at ``x, y``).
    The base class shows any other part as a grey box with its kind."""

    kind = ""
    #: What the part's row invites you to do in the live view (a tooltip).
    hint = ""

    @staticmethod
    def values(part: Any, room: RoomReading) -> dict[str, Any]:
        return {"on": False, "text": part.kind}

    @staticmethod
    def icon(c: Canvas, key: str, x: float, y: float) -> None:
        c.add("rect", x=x + 4, y=y + 5, width=24, height=20, rx=3, cls="chip")

    @classmethod
    def row_attrs(cls, key: str) -> dict[str, Any]:
        """Extra attributes of the part's row (what a click does in the live view)."""
        return {}


class LedLook(Look):
    kind = "led"

    @staticmethod
    def values(part: Any, room: RoomReading) -> dict[str, Any]:
        return LedLook.brightness_values(part.brightness)

    @staticmethod
    def brightness_values(brightness: float) -> dict[str, Any]:
        """What an LED at ``brightness`` (0 to 1) shows (also for replayed changes)."""
        b = brightness
        text = "off" if b <= 0 else "on" if b >= 1 else f"{b:.0%} (PWM)"
        return {"on": b > 0, "glow": round(b, 3), "text": text}

    @staticmethod
    def icon(c: Canvas, key: str, x: float, y: float) -> None:
        color = "#ffb000" if key.endswith("/builtin") else "#ff3030"
        c.add("circle", cx=x + 16, cy=y + 15, r=13, fill=color, cls="halo",
              bind_opacity=f"{key}:glow", scale=0.45)
        c.add("circle", cx=x + 16, cy=y + 15, r=8, cls="lens")
        c.add("circle", cx=x + 16, cy=y + 15, r=8, fill=color, bind_opacity=f"{key}:glow")


class RelayLook(Look):
    kind = "relay"

    @staticmethod
    def values(part: Any, room: RoomReading) -> dict[str, Any]:
        load = f" · {part.load}" if part.load else ""
        return {"on": part.is_on, "text": ("ON" if part.is_on else "off") + load}

    @staticmethod
    def icon(c: Canvas, key: str, x: float, y: float) -> None:
        c.add("rect", x=x + 2, y=y + 4, width=28, height=22, rx=2, cls="relay-body")
        c.add("line", x1=x + 8, y1=y + 19, x2=x + 24, y2=y + 19, cls="contact closed")
        c.add("line", x1=x + 8, y1=y + 19, x2=x + 22, y2=y + 10, cls="contact open")
        c.add("circle", cx=x + 26, cy=y + 8, r=2.5, cls="indicator")


class ServoLook(Look):
    kind = "servo"

    @staticmethod
    def values(part: Any, room: RoomReading) -> dict[str, Any]:
        if part.angle is None:
            return {"on": False, "angle": 0.0, "text": "no signal yet"}
        return {"on": True, "angle": round(part.angle - 90.0, 1), "text": f"{part.angle:g}°"}

    @staticmethod
    def icon(c: Canvas, key: str, x: float, y: float) -> None:
        c.add("rect", x=x + 3, y=y + 8, width=26, height=16, rx=2, cls="servo-body")
        with c.group(bind_angle=f"{key}:angle", cx=x + 16, cy=y + 15):
            c.add("line", x1=x + 16, y1=y + 15, x2=x + 16, y2=y + 1, cls="servo-arm")
        c.add("circle", cx=x + 16, cy=y + 15, r=3, cls="servo-hub")


class BuzzerLook(Look):
    kind = "buzzer"

    @staticmethod
    def values(part: Any, room: RoomReading) -> dict[str, Any]:
        if not part.is_sounding:
            return {"on": False, "text": "silent"}
        pitch = f"{part.frequency:g} Hz" if part.frequency else "its own pitch"
        return {"on": True, "text": f"sounding · {pitch}"}

    @staticmethod
    def icon(c: Canvas, key: str, x: float, y: float) -> None:
        c.add("circle", cx=x + 12, cy=y + 15, r=10, cls="buzzer-body")
        c.add("circle", cx=x + 12, cy=y + 15, r=2.5, cls="buzzer-hole")
        c.add("path", d=f"M{x + 25},{y + 9} q4,6 0,12 M{x + 28},{y + 5} q7,10 0,20",
              cls="waves")


class ButtonLook(Look):
    kind = "button"
    hint = "press and hold"

    @staticmethod
    def values(part: Any, room: RoomReading) -> dict[str, Any]:
        state = "pressed" if part.is_pressed else "released"
        presses = f"{part.presses} press" + ("" if part.presses == 1 else "es")
        return {"on": part.is_pressed, "text": f"{state} · {presses}"}

    @staticmethod
    def icon(c: Canvas, key: str, x: float, y: float) -> None:
        c.add("rect", x=x + 4, y=y + 3, width=24, height=24, rx=3, cls="button-base")
        c.add("circle", cx=x + 16, cy=y + 15, r=8, cls="button-cap")

    @classmethod
    def row_attrs(cls, key: str) -> dict[str, Any]:
        return {"data-hold": key}


class PirLook(Look):
    kind = "pir"
    hint = "click: someone walks by"

    @staticmethod
    def values(part: Any, room: RoomReading) -> dict[str, Any]:
        level = part.level()
        return {"on": bool(level), "text": "motion" if level else "still"}

    @staticmethod
    def icon(c: Canvas, key: str, x: float, y: float) -> None:
        c.add("rect", x=x + 3, y=y + 18, width=26, height=9, rx=1, cls="pir-base")
        c.add("path", d=f"M{x + 5},{y + 18} a11,11 0 0 1 22,0 z", cls="pir-dome")

    @classmethod
    def row_attrs(cls, key: str) -> dict[str, Any]:
        return {"data-room": "motion"}


class PhotoresistorLook(Look):
    kind = "photoresistor"

    @staticmethod
    def values(part: Any, room: RoomReading) -> dict[str, Any]:
        return {"on": room.light > 100, "text": f"sees {room.light:.0f} lux"}

    @staticmethod
    def icon(c: Canvas, key: str, x: float, y: float) -> None:
        c.add("circle", cx=x + 16, cy=y + 15, r=10, cls="ldr")
        c.add("path", d=f"M{x + 9},{y + 12} h4 v6 h6 v-6 h4", cls="ldr-track")


class LightSensorLook(PhotoresistorLook):
    kind = "light_sensor"


class PotentiometerLook(Look):
    kind = "potentiometer"

    @staticmethod
    def values(part: Any, room: RoomReading) -> dict[str, Any]:
        return {"on": part.position > 0, "angle": round(-135 + 270 * part.position, 1),
                "position": round(part.position, 3),
                "text": f"turned to {part.position:.2f} (≈ {round(part.position * 1023)})"}

    @staticmethod
    def icon(c: Canvas, key: str, x: float, y: float) -> None:
        c.add("circle", cx=x + 16, cy=y + 15, r=11, cls="knob")
        with c.group(bind_angle=f"{key}:angle", cx=x + 16, cy=y + 15):
            c.add("line", x1=x + 16, y1=y + 15, x2=x + 16, y2=y + 5, cls="knob-mark")


class Dht22Look(Look):
    kind = "dht22"

    @staticmethod
    def values(part: Any, room: RoomReading) -> dict[str, Any]:
        return {"on": True,
                "text": f"the room: {room.temperature:.1f} °C · {room.humidity:.0f} %RH"}

    @staticmethod
    def icon(c: Canvas, key: str, x: float, y: float) -> None:
        c.add("rect", x=x + 6, y=y + 2, width=20, height=26, rx=2, cls="dht")
        for row in range(4):
            c.add("line", x1=x + 9, y1=y + 7 + 5 * row, x2=x + 23, y2=y + 7 + 5 * row,
                  cls="dht-grille")


class Tmp36Look(Look):
    kind = "tmp36"

    @staticmethod
    def values(part: Any, room: RoomReading) -> dict[str, Any]:
        return {"on": True, "text": f"the room: {room.temperature:.1f} °C"}


class Hcsr04Look(Look):
    kind = "hcsr04"

    @staticmethod
    def values(part: Any, room: RoomReading) -> dict[str, Any]:
        return {"on": True, "text": f"{part.distance:.2f} m to the nearest object"}

    @staticmethod
    def icon(c: Canvas, key: str, x: float, y: float) -> None:
        c.add("rect", x=x + 1, y=y + 7, width=30, height=16, rx=2, cls="sonar")
        c.add("circle", cx=x + 9, cy=y + 15, r=5, cls="sonar-eye")
        c.add("circle", cx=x + 23, cy=y + 15, r=5, cls="sonar-eye")


class Mcp3008Look(Look):
    kind = "mcp3008"

    @staticmethod
    def values(part: Any, room: RoomReading) -> dict[str, Any]:
        wired = ", ".join(f"CH{ch} {p.name.split('.')[-1]}"
                          for ch, p in sorted(part.channels.items()))
        return {"on": True, "text": wired or "nothing on its channels"}


#: Every look by part kind; a kind not listed here is drawn by :class:`Look`.
LOOKS: dict[str, type[Look]] = {
    cls.kind: cls
    for cls in (LedLook, RelayLook, ServoLook, BuzzerLook, ButtonLook, PirLook,
                PhotoresistorLook, LightSensorLook, PotentiometerLook, Dht22Look, Tmp36Look,
                Hcsr04Look, Mcp3008Look)
}


# -- drawing ---------------------------------------------------------------------------------


class Canvas:
    """A small SVG writer that knows the bindings (see the module docstring).

    Keyword arguments become attributes (``stroke_width`` -> ``stroke-width``; ``cls`` is the
    class). Bindings: ``bind_text=KEY`` writes ``data-text`` and the value as the element's
    text; ``bind_flag=KEY`` writes ``data-flag`` and adds the class ``on`` while the value is
    true; ``bind_opacity=KEY`` (times ``scale``), ``bind_angle=KEY`` (a rotation about
    ``cx, cy``, in degrees) and ``bind_points=KEY`` set ``opacity``, ``transform`` and
    ``points``. ``board.js`` applies the same bindings to later values.
    """

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.out: list[str] = []

    def add(self, tag: str, text: str | None = None, **attrs: Any) -> None:
        """One element; ``text`` (escaped) or the bound text becomes its content."""
        key = attrs.get("bind_text")
        if key is not None:
            text = str(self.values.get(key, ""))
        rendered = self._attrs(attrs)
        if text is None:
            self.out.append(f"<{tag}{rendered}/>")
        else:
            self.out.append(f"<{tag}{rendered}>{escape(text)}</{tag}>")

    def text(self, x: float, y: float, text: str = "", **attrs: Any) -> None:
        """A ``<text>`` at ``x, y`` (its baseline)."""
        self.add("text", text, x=x, y=y, **attrs)

    def group(self, **attrs: Any) -> _Group:
        """``with canvas.group(...):`` puts what is drawn inside into one ``<g>``."""
        return _Group(self, attrs)

    def _attrs(self, attrs: dict[str, Any]) -> str:
        attrs = dict(attrs)
        classes = str(attrs.pop("cls", "")).split()
        values = self.values
        if (key := attrs.pop("bind_text", None)) is not None:
            attrs["data-text"] = key
        if (key := attrs.pop("bind_flag", None)) is not None:
            attrs["data-flag"] = key
            if values.get(key):
                classes.append("on")
        scale = attrs.pop("scale", 1)
        if (key := attrs.pop("bind_opacity", None)) is not None:
            attrs.update({"data-opacity": key, "data-scale": scale,
                          "opacity": round(float(values.get(key) or 0.0) * scale, 3)})
        if (key := attrs.pop("bind_angle", None)) is not None:
            cx, cy = attrs.pop("cx"), attrs.pop("cy")
            attrs.update({"data-angle": key, "data-cx": cx, "data-cy": cy,
                          "transform": f"rotate({values.get(key) or 0} {cx} {cy})"})
        if (key := attrs.pop("bind_points", None)) is not None:
            attrs.update({"data-points": key, "points": values.get(key, "")})
        if classes:
            attrs["class"] = " ".join(classes)
        return "".join(f" {name if name.startswith('data-') else name.replace('_', '-')}="
                       f"{quoteattr(str(value))}" for name, value in attrs.items())


class _Group:
    def __init__(self, canvas: Canvas, attrs: dict[str, Any]) -> None:
        self.canvas, self.attrs = canvas, attrs

    def __enter__(self) -> Canvas:
        self.canvas.out.append(f"<g{self.canvas._attrs(self.attrs)}>")
        return self.canvas

    def __exit__(self, *exc_info: object) -> None:
        self.canvas.out.append("</g>")


@dataclass(frozen=True)
class BoardScene:
    """One board as drawn: its parts and the fields its plotter shows."""

    board: Any
    name: str
    kind: str
    spots: tuple[Spot, ...]
    fields: tuple[str, ...] = ()

    @property
    def signature(self) -> tuple[Any, ...]:
        """What the drawing depends on (not the values): a new one means a new drawing."""
        return (self.name, self.kind, tuple((s.key, s.kind, s.pin) for s in self.spots),
                self.fields)


STYLE = (ASSETS / "picture.css").read_text(encoding="utf-8")


def draw_picture(scene: Iterable[BoardScene], values: dict[str, Any],
                 monitors: dict[str, list[tuple[float, str]]] | None = None) -> str:
    """The whole picture as one SVG document: the room, then each board with its parts and
    plotter, then (for the static picture) the last lines of each serial monitor.

    The live view hides the monitors (it has its own, beside the picture) and shows only
    the first ``data-live-height`` units.
    """
    c = Canvas(values)
    _draw_room(c)
    y = ROOM_HEIGHT
    for board in scene:
        y = _draw_board(c, board, y)
        if board.fields:
            y = _draw_plot(c, board, y)
    live_height = y + 4
    for name, lines in (monitors or {}).items():
        y = _draw_monitor(c, name, lines, y)
    height = y + 6
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="b2b-svg" width="{WIDTH}" '
            f'height="{height}" viewBox="0 0 {WIDTH} {height}" '
            f'data-live-height="{live_height}" font-family="sans-serif" font-size="12">'
            f"<style>{STYLE}</style>{''.join(c.out)}</svg>")


def _draw_room(c: Canvas) -> None:
    c.add("rect", x=6, y=6, width=WIDTH - 12, height=ROOM_HEIGHT - 12, rx=8, cls="room-bg")
    c.text(18, 26, "Room", cls="title")
    readings = (("temperature", "room:temperature", 70), ("humidity", "room:humidity", 170),
                ("light", "room:light", 250), ("outside", "room:outside", 370))
    for label, key, x in readings:
        c.text(x, 24, label, cls="label")
        c.text(x, 42, bind_text=key, cls="reading")
    for label, key, x in (("heater", "room:heater", 490), ("lamp", "room:lamp", 540)):
        c.add("circle", cx=x + 14, cy=30, r=8, bind_flag=key, cls=f"load {label}")
        c.text(x + 14, 54, label, cls="label", text_anchor="middle")
    c.add("circle", cx=604, cy=30, r=8, bind_flag="room:motion", cls="load motion",
          data_room="motion")
    c.text(604, 54, "motion", cls="label", text_anchor="middle")
    c.text(18, 62, bind_text="room:clock", cls="clock")


def _draw_board(c: Canvas, board: BoardScene, y: float) -> float:
    """A board and its parts, from ``y`` down; returns where the next thing goes."""
    name = board.name
    rows = max(len(board.spots), 4)
    body = rows * ROW
    c.text(30, y + 14, bind_text=f"{name}:title", cls="title")
    c.text(250, y + 14, bind_text=f"{name}:status", cls="status")
    top = y + 22
    with c.group(bind_flag=f"{name}:plugged", cls=f"board {board.kind}", data_board=name):
        c.add("rect", x=30, y=top, width=160, height=body - 4, rx=8, cls="pcb")
        if board.kind == "uno":
            c.add("rect", x=14, y=top + 14, width=26, height=22, rx=2, cls="usb")
            c.add("path", d=f"M14,{top + 25} h-10", cls="cable")
            c.text(110, top + body / 2 - 4, "Arduino", cls="brand", text_anchor="middle")
            c.text(110, top + body / 2 + 22, "UNO", cls="model", text_anchor="middle")
            for offset, label, key in ((14, "ON", "power"), (30, "TX", "tx")):
                c.add("rect", x=150, y=top + offset, width=9, height=6, rx=1,
                      bind_flag=f"{name}:{key}", cls=f"smd {key}")
                c.text(163, top + offset + 6, label, cls="silk")
        else:
            c.text(100, top + body / 2 - 4, "Raspberry", cls="brand", text_anchor="middle")
            c.text(100, top + body / 2 + 22, "Pi", cls="model", text_anchor="middle")
            for i in range(min(20, int((body - 20) / 8))):
                c.add("rect", x=172, y=top + 8 + 8 * i, width=5, height=5, cls="header")
                c.add("rect", x=180, y=top + 8 + 8 * i, width=5, height=5, cls="header")
    for i, spot in enumerate(board.spots):
        _draw_part(c, spot, top + i * ROW)
    return top + body + 8


def _draw_part(c: Canvas, spot: Spot, y: float) -> None:
    """One part's row: a wire from the board's pin, then the part's card."""
    look = LOOKS.get(spot.kind, Look)
    key = spot.key
    c.add("line", x1=190, y1=y + 15, x2=250, y2=y + 15, cls=f"wire {spot.part.role}")
    c.text(196, y + 11, spot.pin, cls="pin")
    with c.group(bind_flag=f"{key}:on", cls=f"part {spot.kind}", data_part=key,
                 **look.row_attrs(key)):
        c.add("rect", x=250, y=y, width=WIDTH - 258, height=30, rx=5, cls="card")
        look.icon(c, key, 254, y)
        c.text(292, y + 13, spot.name, cls="name")
        c.text(292, y + 26, f"{spot.kind}", cls="kind")
        c.text(420, y + 19, bind_text=f"{key}:text", cls="value")
        if look.hint:
            c.text(WIDTH - 14, y + 26, look.hint, cls="hint live-only", text_anchor="end")


def _draw_plot(c: Canvas, board: BoardScene, y: float) -> float:
    """The serial plotter: one strip per numeric field, over simulated time."""
    name = board.name
    c.text(30, y + 14, f"Serial plotter · {name}", cls="title")
    c.text(250, y + 14, bind_text=f"{name}/plot:span", cls="status")
    y += 20
    x0, width, y0, height = PLOT_BOX
    for field in board.fields:
        key = f"{name}/plot/{field}"
        with c.group(transform=f"translate(0 {y})", cls="plot-row"):
            c.text(30, 19, field, cls="name")
            c.add("rect", x=x0, y=y0 - 2, width=width, height=height + 4, rx=3, cls="strip")
            c.add("polyline", bind_points=f"{key}:points", cls="trace")
            c.text(x0 + width + 10, 15, bind_text=f"{key}:last", cls="reading")
            c.text(x0 + width + 10, 28, bind_text=f"{key}:range", cls="kind")
        y += PLOT_ROW
    return y + 4


def _draw_monitor(c: Canvas, name: str, lines: list[tuple[float, str]], y: float) -> float:
    """The last lines a board printed, for the static picture (the live view hides it)."""
    shown = lines[-MONITOR_LINES:]
    height = 26 + 15 * max(len(shown), 1)
    with c.group(cls="static-only monitor"):
        c.add("rect", x=6, y=y, width=WIDTH - 12, height=height, rx=6, cls="monitor-bg")
        c.text(18, y + 17, f"Serial monitor · {name} (the last lines)", cls="title")
        if not shown:
            c.text(18, y + 36, "(nothing printed yet)", cls="kind")
        for i, (t, text) in enumerate(shown):
            clipped = text if len(text) <= 72 else text[:71] + "…"  # the box's width
            c.text(18, y + 36 + 15 * i, f"{t:9.3f} s  {clipped}", cls="line")
    return y + height + 6


# -- throttling -------------------------------------------------------------------------------


class Throttle:
    """When to send the values: at most ``rate`` times a second, when something changed,
    and at least every ``heartbeat`` seconds anyway (the clock line moves).

    Pure bookkeeping on the times it is given (wall seconds), so it is easy to test.
    """

    def __init__(self, rate: float = 10.0, *, heartbeat: float = 1.0) -> None:
        if not rate > 0:
            raise ConfigError(f"max_rate is updates per second, more than 0, not {rate!r}")
        self.rate = float(rate)
        self.heartbeat = heartbeat
        self.last: float | None = None
        self.sent = 0

    @property
    def interval(self) -> float:
        """The shortest time between two sends."""
        return 1.0 / self.rate

    def due(self, now: float, *, changed: bool) -> bool:
        """Whether to send at wall time ``now``."""
        if self.last is None:
            return True
        gap = now - self.last
        if gap < self.interval * 0.999:  # a tick a hair early is still on time
            return False
        return changed or gap >= self.heartbeat

    def sent_at(self, now: float) -> None:
        """Record a send at ``now``."""
        self.last = now
        self.sent += 1


# -- the widget ---------------------------------------------------------------------------------


class BoardView(anywidget.AnyWidget):
    """The live board view (an anywidget widget). Make one with ``world.view()``,
    ``uno.view()`` or ``pi_factory.view()``; see the module docstring for how it works.

    :param world: the world to show.
    :param boards: the boards to show (default: every board of the world, also ones added
        later).
    :param max_rate: at most this many updates a second (default 10).
    :param lines: serial lines the monitor keeps (default 200; the browser shows 100).
    :param plot_points: points per plotted field (default 240).
    :param plot_skip: numeric fields the plotter leaves out (default ``seq`` and ``ms``,
        which only count up).
    """

    _esm = (ASSETS / "board.js").read_text(encoding="utf-8")
    _css = (ASSETS / "board.css").read_text(encoding="utf-8")

    #: The drawing (sent again only when parts or plot rows come and go).
    svg = traitlets.Unicode("").tag(sync=True)
    #: ``{"t", "mode", "speed", "values": {key: value}, "events": {key: [[t, value]]}}``.
    state = traitlets.Dict().tag(sync=True)
    #: Per Uno: ``{"lines": [[t, text], ...], "status": "..."}``.
    serial = traitlets.Dict().tag(sync=True)
    #: The controls under the picture (see :func:`controls_for`).
    controls = traitlets.List().tag(sync=True)
    #: What the last input did, or why it could not (shown under the controls).
    message = traitlets.Unicode("").tag(sync=True)

    def __init__(self, world: World, boards: list[Any] | None = None, *,
                 max_rate: float = 10.0, lines: int = 200, plot_points: int = 240,
                 plot_skip: Iterable[str] = ("seq", "ms")) -> None:
        self.world = world
        self.clock = world.clock
        self._fixed = list(boards) if boards is not None else None
        self._throttle = Throttle(max_rate)
        self._tap_options = {"keep": lines, "points": plot_points, "skip": tuple(plot_skip)}
        self._taps: dict[str, SerialTap] = {}
        self._lock = threading.RLock()
        self._last_values: dict[str, Any] = {}
        self._last_serial: dict[str, Any] = {}
        self._last_t_us = -1
        self._layout: tuple[Any, ...] | None = None
        self._led_seen: dict[str, float] = {}
        self._tx_seen: dict[str, int] = {}
        self._poked = False
        self._closed = False
        self._frontend_seen = False
        self._handles: list[list[Any]] = []  # [DisplayHandle, shown in the running cell]
        self._static_svg = ""
        self._stop = threading.Event()
        super().__init__()
        self.on_msg(self._on_message)
        self.refresh(force=True)
        self._hook = _register_cell_hook(self._after_cell)
        self._thread = threading.Thread(target=self._run, name="board-view", daemon=True)
        self._thread.start()

    # -- what is shown ---------------------------------------------------------------------

    def boards(self) -> list[Any]:
        """The boards this view shows (the ones it can draw)."""
        boards = self._fixed if self._fixed is not None else list(self.world.boards.values())
        return [board for board in boards if board_kind(board) is not None]

    def scene(self) -> list[BoardScene]:
        """The boards as drawn now (their parts, their plotted fields)."""
        scenes = []
        for board in self.boards():
            tap = self._tap(board)
            fields = tuple(tap.series) if tap is not None else ()
            scenes.append(BoardScene(board, board.name, board_kind(board) or "",
                                     tuple(board_spots(board)), fields))
        return scenes

    def read(self, scene: list[BoardScene]) -> dict[str, Any]:
        """Every value the picture shows now (call with the clock's lock held)."""
        room = RoomReading.read(self.world.room)
        values = room_values(room, self.clock)
        for board in scene:
            tap = self._taps.get(board.name)
            values.update(board_values(board.board, tap, self._tx_seen.get(board.name, 0)))
            for spot in board.spots:
                values.update(part_values(spot, room))
            if tap is not None:
                values.update(plot_values(board.name, tap))
        return values

    def to_svg(self) -> str:
        """The picture now, with each serial monitor's last lines: the static fallback."""
        with self.clock.hold():
            scene = self.scene()
            values = self.read(scene)
            monitors = {name: list(tap.lines) for name, tap in self._taps.items()}
        return draw_picture(scene, values, monitors)

    def snapshot(self) -> Any:
        """The board now as a plain SVG image (``IPython.display.SVG``): a picture of one
        moment that stays in the notebook and on the site."""
        from IPython.display import SVG

        return SVG(data=self.to_svg())

    # -- sending updates ---------------------------------------------------------------------

    def refresh(self, *, force: bool = False) -> bool:
        """Read the board and send what changed, if the throttle allows (``force``: now).
        Returns whether something was sent."""
        with self._lock:
            if self._closed:
                return False
            clock = self.clock
            poked, self._poked = self._poked, False
            if not force and clock.virtual and clock.now_us == self._last_t_us and not poked:
                return False  # virtual time stood still and nobody touched anything
            with clock.hold():
                t_us = clock.now_us
                scene = self.scene()
                values = self.read(scene)
                events = self._led_events(scene) if not clock.virtual else {}
                serial = self._serial_state()
            changed = bool(events) or serial != self._last_serial or poked or \
                self._differs(values)
            now = time.monotonic()
            if not force and not self._throttle.due(now, changed=changed):
                return False
            self._commit(scene, values, events, serial, t_us)
            self._throttle.sent_at(now)
            return True

    def _differs(self, values: dict[str, Any]) -> bool:
        """Whether ``values`` differ from the last ones sent (in realtime mode the clock
        line alone does not count: the heartbeat sends it)."""
        if self.clock.virtual:
            return values != self._last_values
        return any(self._last_values.get(k) != v for k, v in values.items() if k != "room:clock")

    def _commit(self, scene: list[BoardScene], values: dict[str, Any],
                events: dict[str, list[list[Any]]], serial: dict[str, Any], t_us: int) -> None:
        layout = tuple(board.signature for board in scene)
        with self.hold_sync():
            if layout != self._layout:
                self.svg = draw_picture(scene, values)
                self.controls = controls_for(scene)
                self._layout = layout
            self.state = {"t": t_us / 1_000_000, "mode": self.clock.mode,
                          "speed": self.clock.speed, "values": values, "events": events}
            if serial != self._last_serial:
                self.serial = serial
        for name, tap in self._taps.items():
            self._tx_seen[name] = tap.activity
        for board in scene:
            for spot in board.spots:
                if spot.kind == "led" and spot.part.history:
                    self._led_seen[spot.key] = spot.part.history[-1][0]
        self._last_values, self._last_serial, self._last_t_us = values, serial, t_us

    def _led_events(self, scene: list[BoardScene]) -> dict[str, list[list[Any]]]:
        """The LED changes since the last send, with their simulated times, so that the
        browser can replay a blink faster than the updates (realtime mode only)."""
        events: dict[str, list[list[Any]]] = {}
        if self._last_t_us < 0:
            return events  # the first picture: nothing to replay
        start = self._last_t_us / 1_000_000
        for board in scene:
            for spot in board.spots:
                if spot.kind != "led":
                    continue
                seen = self._led_seen.get(spot.key, start)
                new: list[tuple[float, float]] = []
                for t, brightness in reversed(spot.part.history):
                    if t <= seen or len(new) >= 200:
                        break
                    new.append((t, brightness))
                if new:
                    new.reverse()
                    looks = [(t, LedLook.brightness_values(b)) for t, b in new]
                    for name in ("on", "glow", "text"):
                        events[f"{spot.key}:{name}"] = [[t, shown[name]] for t, shown in looks]
        return events

    def _serial_state(self) -> dict[str, Any]:
        result = {}
        for name, tap in self._taps.items():
            link = tap.link
            port = "open by a program" if link.host is not None else "free"
            baud = f"{link.board_baud} baud" if link.board_baud else "Serial not started"
            if not tap.board.plugged:
                port = "unplugged"
            status = tap.broken or f"{baud} · port {port}"
            result[name] = {"lines": [[round(t, 3), text] for t, text in list(tap.lines)[-100:]],
                            "status": status, "heard": tap.heard}
        return result

    def _tap(self, board: Any) -> SerialTap | None:
        if board_kind(board) != "uno":
            return None
        tap = self._taps.get(board.name)
        if tap is None and not self._closed:  # a closed view listens no more
            tap = self._taps[board.name] = SerialTap(board, **self._tap_options)
        return tap

    def _run(self) -> None:
        """The update thread: look every ``1 / max_rate`` seconds until closed."""
        while not self._stop.wait(self._throttle.interval):
            if self.clock.closed:
                self.refresh(force=True)  # the world's last state
                break
            try:
                self.refresh()
            except SimulatorError as exc:  # a part that cannot be read: say so, keep going
                with self._lock:
                    self.message = f"the view could not read the board: {exc}"

    # -- the notebook ---------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """The live widget for JupyterLab, Notebook 7 and VS Code, with the picture as
        ``image/svg+xml`` for everything without a live kernel (nbconvert, the site)."""
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if bundle is not None else ({}, {})
        data = {**data, "text/plain": repr(self), "image/svg+xml": self.to_svg()}
        return data, metadata

    def _ipython_display_(self) -> None:
        """Show the view with a display id, so the picture can follow the last state when no
        browser shows the view (a notebook run by nbclient)."""
        from IPython.display import display

        data, metadata = self._repr_mimebundle_()
        handle = display(data, metadata=metadata, raw=True, display_id=True)
        if handle is not None:
            self._handles.append([handle, True])
            self._static_svg = data["image/svg+xml"]

    def _after_cell(self, *args: Any) -> None:
        """After each cell: send the values now, and bring the static picture up to date
        where no browser shows the view."""
        self.refresh(force=True)
        if self._frontend_seen or not self._handles:
            return
        fresh = [entry for entry in self._handles if entry[1]]
        for entry in fresh:
            entry[1] = False  # shown by the cell that just ran: its picture is current
        if len(fresh) == len(self._handles):
            return
        data, metadata = self._repr_mimebundle_()
        if data["image/svg+xml"] == self._static_svg:
            return
        self._static_svg = data["image/svg+xml"]
        for handle, _ in self._handles:
            handle.update(data, metadata=metadata, raw=True)

    # -- inputs ------------------------------------------------------------------------------

    def _on_message(self, widget: Any, content: Any, buffers: Any) -> None:
        """A message from the browser: ``{"do": ..., "target": ..., "value": ...}``."""
        if not isinstance(content, dict):
            return
        if content.get("do") == "rendered":
            self._frontend_seen = True
            return
        try:
            note = self._act(str(content.get("do")), str(content.get("target")),
                             content.get("value"), content.get("ending", "\n"))
        except (SimulatorError, ValueError, TypeError) as exc:
            note = f"that did not work: {exc}"
        with self._lock:  # the update thread sends traits too: one sender at a time
            self.message = note or ""
            self._poked = True

    def _act(self, do: str, target: str, value: Any, ending: Any = "\n") -> str | None:
        """Do what a control asks, with the same methods a notebook would call. Returns a
        sentence for the status line (None: nothing to say)."""
        with self.clock.hold():
            if do in ("press", "release"):
                button = self._part(target, "button")
                button.press() if do == "press" else button.release()
                return None
            if do == "turn":
                self._part(target, "potentiometer").turn(float(value))
                return None
            if do == "room":
                return self._room(target, value)
            if do == "board":
                return self._board_action(target, str(value))
            if do == "send":
                return self.send_line(target, str(value), ending=str(ending))
        raise ValueError(f"unknown control {do!r}")

    def _part(self, key: str, kind: str) -> Any:
        board_name, _, name = key.partition("/")
        for board in self.boards():
            if board.name == board_name and name in board.parts:
                part = board.parts[name]
                if part.kind != kind:
                    raise ConfigError(f"{key} is {part.title}, not {PARTS[kind].title}")
                return part
        raise ConfigError(f"no part {key!r} on the boards shown")

    def _room(self, what: str, value: Any) -> str | None:
        room = self.world.room
        if what == "motion":
            room.trigger_motion(WALK_BY_S)
            return f"someone walks through the room for {WALK_BY_S:g} s"
        if what == "light":
            room.set_daylight(None if value is None else float(value))
            return None
        if what == "outside":
            room.set_outside_temperature(None if value is None else float(value))
            return None
        raise ValueError(f"the room has no control {what!r}")

    def _board_action(self, name: str, action: str) -> str:
        board = self._uno(name)
        if action == "reset":
            board.reset()
            return f"{name} was reset: the sketch starts again"
        if action == "unplug":
            board.unplug()
            return f"{name} is unplugged: a program reading its port gets an error"
        if action == "plug":
            board.plug()
            return f"{name} is plugged in again: it boots (a program must reopen the port)"
        raise ValueError(f"a board can be reset, unplugged or plugged, not {action!r}")

    def _uno(self, name: str) -> Uno:
        for board in self.boards():
            if board.name == name and isinstance(board, Uno):
                return board
        raise ConfigError(f"no Uno named {name!r} in this view")

    def send_line(self, board: str, text: str, *, ending: str = "\n") -> str:
        """Send ``text`` + ``ending`` to the Uno ``board``, as the serial monitor's box does:
        through the computer's end of the link at the sketch's baud rate, without opening
        the port (which would reset the board). Returns what happened, in words."""
        uno = self._uno(board)
        if ending not in ("\n", "\r", "\r\n", ""):
            raise ValueError(f"a line ends with \\n, \\r, \\r\\n or nothing, not {ending!r}")
        link = uno.serial
        with self.clock.hold():
            if not uno.plugged:
                return f"{board} is unplugged: plug it in first"
            if link.host is not None:
                return (f"a program has {board}'s port open, so the monitor cannot send (the "
                        "Arduino IDE cannot either): write to that port, or close it first")
            if link.board_baud is None:
                return (f"{board}'s sketch has not started Serial yet (booting?): nobody "
                        "listens, so the line would be lost; try again in a moment")
            data = (text + ending).encode()
            sent = link.host_write(data)
        if sent < len(data):
            return f"only {sent} of {len(data)} bytes fit in the computer's output buffer"
        if self.clock.virtual:
            return f"sent {text!r}: it reaches the board when the clock moves (advance it)"
        return f"sent {text!r}"

    # -- closing -------------------------------------------------------------------------------

    def close(self) -> None:
        """Stop updating, stop listening to the boards, and close the widget."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        for tap in self._taps.values():
            tap.close()
        _unregister_cell_hook(self._hook)
        _forget(self)
        super().close()

    @property
    def is_closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._closed

    def __repr__(self) -> str:
        names = ", ".join(board.name for board in self.boards()) or "no boards"
        return (f"<BoardView {names} t={self.clock.now():.1f} s {self.clock.mode}"
                f"{' closed' if self._closed else ''}>")


def controls_for(scene: Iterable[BoardScene]) -> list[dict[str, Any]]:
    """The controls under the picture, as data for ``board.js``: each has a ``kind``
    (``hold``, ``slider``, ``toggle``, ``action``), the message it sends (``do``,
    ``target``) and the value key it follows."""
    items: list[dict[str, Any]] = []
    has_pir = False
    for board in scene:
        for spot in board.spots:
            label = f"{spot.name} ({spot.pin})"
            if spot.kind == "button":
                items.append({"kind": "hold", "do": "press", "target": spot.key,
                              "label": f"press {label}", "value": f"{spot.key}:on"})
            elif spot.kind == "potentiometer":
                items.append({"kind": "slider", "do": "turn", "target": spot.key,
                              "label": label, "min": 0, "max": 1, "step": 0.01,
                              "value": f"{spot.key}:position"})
            has_pir = has_pir or spot.kind == "pir"
        if board.kind == "uno":
            items.append({"kind": "toggle", "do": "board", "target": board.name,
                          "value": f"{board.name}:plugged", "on": f"unplug {board.name}",
                          "off": f"plug {board.name} in", "on_value": "unplug",
                          "off_value": "plug"})
            items.append({"kind": "action", "do": "board", "target": board.name,
                          "arg": "reset", "label": f"reset {board.name}"})
    if has_pir:
        items.append({"kind": "action", "do": "room", "target": "motion",
                      "label": "someone walks by"})
    items.append({"kind": "slider", "do": "room", "target": "light", "label": "daylight (lux)",
                  "min": 0, "max": 1000, "step": 10, "value": "room:daylight",
                  "auto": "room:daylight_auto"})
    items.append({"kind": "slider", "do": "room", "target": "outside",
                  "label": "outside (°C)", "min": -20, "max": 40, "step": 0.5,
                  "value": "room:outside_c", "auto": "room:outside_auto"})
    return items


# -- IPython's "after each cell" hook ------------------------------------------------------------


def _register_cell_hook(callback: Callable[..., None]) -> Callable[..., None] | None:
    """Call ``callback`` after every cell, when running in IPython (a notebook's kernel)."""
    shell = _ipython()
    if shell is None:
        return None
    shell.events.register("post_run_cell", callback)
    return callback


def _unregister_cell_hook(callback: Callable[..., None] | None) -> None:
    shell = _ipython()
    if shell is not None and callback is not None:
        try:
            shell.events.unregister("post_run_cell", callback)
        except ValueError:
            pass  # already gone


def _ipython() -> Any:
    from IPython import get_ipython

    return get_ipython()


# -- the entry point -----------------------------------------------------------------------------

#: The open views of each world, so that running ``uno.view()`` again shows the same view
#: instead of starting another update thread.
_VIEWS: weakref.WeakKeyDictionary[World, dict[tuple[Any, ...], BoardView]] = \
    weakref.WeakKeyDictionary()
_VIEWS_LOCK = threading.Lock()


def view(target: Any, **options: Any) -> BoardView:
    """The live view of ``target``: a :class:`~simulators.world.World` (every board in it),
    an :class:`~simulators.uno.Uno` or a Pi's :class:`~simulators.pi.SimFactory` (that
    board and the room). Calling it again with the same options gives the same view.

    Options: ``max_rate``, ``lines``, ``plot_points``, ``plot_skip`` (see :class:`BoardView`).
    """
    if isinstance(target, World):
        world, boards = target, None
    elif board_kind(target) is not None:
        world, boards = target.world, [target]
    else:
        raise ConfigError(f"view() shows a World, an Uno or a Pi's pin factory, not {target!r}")
    if world.clock.closed:
        raise ConfigError("this world is closed (world.close() was called): make a new one")
    key = (tuple(id(b) for b in boards) if boards is not None else None,
           tuple(sorted((name, repr(value)) for name, value in options.items())))
    with _VIEWS_LOCK:
        views = _VIEWS.setdefault(world, {})
        shown = views.get(key)
        if shown is None or shown.is_closed:
            shown = views[key] = BoardView(world, boards, **options)
        return shown


def _forget(board_view: BoardView) -> None:
    with _VIEWS_LOCK:
        views = _VIEWS.get(board_view.world, {})
        for key in [k for k, v in views.items() if v is board_view]:
            del views[key]
