"""Software Arduino Uno and Raspberry Pi boards for Blink to Backend.

One world (a clock, a room, parts), several ways in::

    import serial, simulators                     # registers the sim:// URL handler
    port = serial.serial_for_url("sim://uno?sketch=sensor_reporter&seed=7&clock=virtual",
                                 timeout=2)
    print(port.readline())

``python -m simulators --help`` lists the commands (pty and TCP ports, the fleet, ...);
``GPIOZERO_PIN_FACTORY=sim`` runs gpiozero code on a simulated Raspberry Pi.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import serial as _serial

from .clock import VirtualClock
from .errors import (
    ChecksumError,
    ClockError,
    ConfigError,
    DeviceUnpluggedError,
    PortBusyError,
    PortError,
    SensorReadError,
    SensorTimeoutError,
    SimulatorError,
    SketchError,
)
from .parts import PARTS, Faults
from .room import Room, RoomSettings
from .uno import SKETCHES, Uno
from .wiring import PI_WIRING, UNO_WIRING
from .world import BOARD_MAKERS, World, find_board, register_board, unregister_board

if TYPE_CHECKING:
    from .pi import DHT22, SimFactory

__all__ = [
    "VirtualClock",
    "Room",
    "RoomSettings",
    "World",
    "Uno",
    "Faults",
    "PARTS",
    "SKETCHES",
    "UNO_WIRING",
    "PI_WIRING",
    "SimFactory",
    "DHT22",
    "register_board",
    "unregister_board",
    "find_board",
    "SimulatorError",
    "ConfigError",
    "ClockError",
    "SensorReadError",
    "ChecksumError",
    "SensorTimeoutError",
    "SketchError",
    "PortError",
    "DeviceUnpluggedError",
    "PortBusyError",
]

# pyserial imports "<package>.protocol_<scheme>" for "<scheme>://" URLs.
if "simulators" not in _serial.protocol_handler_packages:
    _serial.protocol_handler_packages.append("simulators")




def _make_pi(world: World, **options: Any) -> SimFactory:
    from .pi import SimFactory  # gpiozero is imported only when a Pi is made

    return SimFactory(world=world, **options)


# The package wires the boards into the world (see `simulators.world.BOARD_MAKERS`).
BOARD_MAKERS.update(uno=Uno, pi=_make_pi)


def __getattr__(name: str) -> Any:
    # gpiozero is only imported when the Pi is used: `import simulators` stays cheap.
    if name in ("SimFactory", "DHT22"):
        from . import pi

        return getattr(pi, name)
    raise AttributeError(f"module 'simulators' has no attribute {name!r}")
