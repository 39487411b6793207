"""Fixtures for the simulators' tests: a virtual world, a clean gpiozero pin factory, and a
stand-in hub for the fleet."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
import serial
from gpiozero import Device

import simulators
from simulators import World

sys.path.insert(0, str(Path(__file__).parent))

from sim_fake_hub import FakeHub  # noqa: E402


@pytest.fixture
def world():
    """A world on a virtual clock, seed 1."""
    with World(seed=1) as w:
        yield w


@pytest.fixture
def pi(world, monkeypatch):
    """gpiozero's pin factory set to a simulated Pi in ``world`` (the course's wiring,
    whatever SIM_PI_WIRING says outside); reset afterwards."""
    monkeypatch.delenv("SIM_PI_WIRING", raising=False)
    factory = world.pi_factory()
    Device.pin_factory = factory
    yield factory
    factory.close()
    Device.pin_factory = None


@pytest.fixture
def use_factory():
    """``use_factory(factory)`` makes it gpiozero's pin factory; closed afterwards."""
    factories = []

    def use(factory):
        factories.append(factory)
        Device.pin_factory = factory
        return factory

    yield use
    for factory in factories:
        factory.close()
    Device.pin_factory = None


@pytest.fixture
def open_port():
    """``open_port(url, **kwargs)`` opens a sim:// port and closes it after the test."""
    ports = []

    def opener(url: str, **kwargs):
        kwargs.setdefault("timeout", 5)
        port = serial.serial_for_url(url, **kwargs)
        ports.append(port)
        return port

    yield opener
    for port in ports:
        port.close()


@pytest.fixture
def fake_hub():
    """A stand-in hub (see sim_fake_hub.py) on a free loopback port."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    hub = FakeHub().start()
    yield hub
    hub.stop()


@pytest.fixture(autouse=True)
def _no_leaked_registrations():
    yield
    assert simulators.world._registry == {}, "a test left a board registered"
