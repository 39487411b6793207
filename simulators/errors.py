"""The simulators' exceptions.

One root, and every leaf also inherits the built-in (or pyserial) exception a caller
would catch for the same failure on real hardware::

    SimulatorError
     ├── ConfigError (ValueError)            a bad board description, URL option or wiring
     ├── ClockError (RuntimeError)           misuse of the clock (going back in time, ...)
     ├── SensorReadError (RuntimeError)      a read that failed, like the real part does
     │    ├── ChecksumError                  DHT22: the 40 bits did not add up
     │    └── SensorTimeoutError             DHT22 / faults: no answer (dropout)
     ├── SketchError (RuntimeError)          the sketch raised; the board halted
     └── PortError (serial.SerialException)  the serial port side
          ├── DeviceUnpluggedError           the cable was pulled
          └── PortBusyError                  another program holds the port
"""

from __future__ import annotations

from serial import SerialException

__all__ = [
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


class SimulatorError(Exception):
    """Root of every error the simulators raise."""


class ConfigError(SimulatorError, ValueError):
    """A board description, URL option, sketch name or part option is wrong."""


class ClockError(SimulatorError, RuntimeError):
    """The clock was used in a way time does not allow."""


class SensorReadError(SimulatorError, RuntimeError):
    """A sensor read failed, the way the real part fails now and then."""


class ChecksumError(SensorReadError):
    """The DHT22's checksum byte did not match its data bytes."""


class SensorTimeoutError(SensorReadError):
    """The sensor did not answer (a dropout)."""


class SketchError(SimulatorError, RuntimeError):
    """The sketch raised an exception; the board stopped running it."""


class PortError(SimulatorError, SerialException):
    """A problem on the serial port side of a board."""


class DeviceUnpluggedError(PortError):
    """The board was unplugged: like a real USB cable pulled out."""


class PortBusyError(PortError):
    """The board's serial port is already open elsewhere."""
