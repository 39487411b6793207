"""A world: one clock, one room, the parts and boards that live in it.

Everything simulated belongs to exactly one :class:`World`, so a Uno on a serial port and a
Raspberry Pi driven by gpiozero can share a room: the Pi switches the heater, the Uno's
DHT22 sees the room warm up.

Example::

    world = World(seed=7)                       # virtual clock
    uno = world.add_uno("sensor_reporter")
    factory = world.pi_factory()                # for gpiozero: Device.pin_factory = factory
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .clock import VirtualClock
from .errors import ConfigError
from .parts import Part, make_part
from .room import Room, RoomSettings

if TYPE_CHECKING:
    from .pi import SimFactory
    from .uno import Uno

__all__ = ["World", "BOARD_MAKERS", "register_board", "unregister_board", "find_board"]

#: How a world makes each kind of board: ``maker(world, *args, **options)``. The package
#: (``simulators/__init__.py``) fills it in, so this module imports no board module and
#: the dependencies read one way: ``uno``, ``pi`` -> ``world`` -> ``parts``, ``room``,
#: ``clock``.
BOARD_MAKERS: dict[str, Callable[..., Any]] = {}


class World:
    """One simulated world.

    :param seed: the seed of every random thing in it (same seed, same run).
    :param clock: ``"virtual"``, ``"realtime"``, or a :class:`VirtualClock` to share.
    :param speed: realtime speed factor (simulated seconds per wall second).
    :param start: the date and time simulated time 0 stands for.
    :param room: :class:`RoomSettings` for the room.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        clock: str | VirtualClock = "virtual",
        speed: float = 1.0,
        start: datetime | None = None,
        room: RoomSettings | None = None,
    ) -> None:
        if isinstance(clock, VirtualClock):
            self.clock = clock
        else:
            self.clock = VirtualClock(mode=clock, speed=speed, seed=seed, start=start)
        self.seed = self.clock.seed
        self.room = Room(self.clock, room)
        self.parts: dict[str, Part] = {}
        self.boards: dict[str, Any] = {}

    def add_part(self, kind: str, name: str, **options: Any) -> Part:
        """Create a part of ``kind`` named ``name`` (unique within the world)."""
        if name in self.parts:
            raise ConfigError(f"a part named {name!r} already exists")
        part = make_part(self, kind, name, **options)
        self.parts[name] = part
        return part

    def add_board(self, kind: str, *args: Any, **options: Any) -> Any:
        """Create a board of ``kind`` (``"uno"``, ``"pi"``) in this world."""
        maker = BOARD_MAKERS.get(kind)
        if maker is None:
            raise ConfigError(f"no board of kind {kind!r}; kinds: {', '.join(BOARD_MAKERS)}")
        return maker(self, *args, **options)

    def add_uno(self, sketch: Any = "blink", *, name: str = "uno", **options: Any) -> Uno:
        """Create an Arduino Uno running ``sketch``; see :class:`simulators.uno.Uno`."""
        return self.add_board("uno", sketch, name=name, **options)

    def pi_factory(self, **options: Any) -> SimFactory:
        """A gpiozero pin factory for a Raspberry Pi in this world."""
        return self.add_board("pi", **options)

    def view(self, **options: Any) -> Any:
        """A live picture of every board in this world and the room, for JupyterLab (see
        :mod:`simulators.view`; anywidget is imported only now)."""
        from .view import view

        return view(self, **options)

    def close(self) -> None:
        """Stop the clock (and its realtime thread); unregister this world's boards."""
        for board in list(self.boards.values()):
            unregister_board(board)
        self.clock.close()

    def __enter__(self) -> World:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<World seed={self.seed} {self.clock.mode} boards={list(self.boards)}>"


_registry: dict[str, Any] = {}
_registry_lock = threading.Lock()


def register_board(board: Any, name: str | None = None) -> str:
    """Make ``board`` reachable as ``sim://<name>`` (default: the board's name)."""
    name = name or board.name
    with _registry_lock:
        if name in _registry and _registry[name] is not board:
            raise ConfigError(f"a board is already registered as {name!r}")
        _registry[name] = board
    return name


def unregister_board(board: Any, name: str | None = None) -> None:
    """Forget ``board`` in the ``sim://`` registry: every name it has, or only ``name``."""
    with _registry_lock:
        for key in [k for k, v in _registry.items()
                    if v is board and (name is None or k == name)]:
            del _registry[key]


def find_board(name: str) -> Any | None:
    """The board registered as ``name``, or None."""
    with _registry_lock:
        return _registry.get(name)
