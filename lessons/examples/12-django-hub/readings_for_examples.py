"""A kitchen Uno with a few readings at fixed times, for the examples about reading back."""

from __future__ import annotations

import httpx
from django_hub import ADMIN

READINGS = [  # posted out of order on purpose: the hub sorts by recorded_at
    {"sensor": "temperature", "value": 20.5, "recorded_at": "2025-06-01T10:00:00+00:00"},
    {"sensor": "temperature", "value": 21.0, "recorded_at": "2025-06-01T11:00:00+00:00"},
    {"sensor": "temperature", "value": 22.5, "recorded_at": "2025-06-01T13:00:00+00:00"},
    {"sensor": "temperature", "value": 21.5, "recorded_at": "2025-06-01T12:00:00+00:00"},
    {"sensor": "temperature", "value": 23.0, "recorded_at": "2025-06-01T14:00:00+02:00"},
    {"sensor": "humidity", "value": 48.0, "recorded_at": "2025-06-01T12:00:00+00:00"},
]


def kitchen_with_readings(hub: httpx.Client) -> str:
    """Register the device ``kitchen``, post READINGS as one batch; return its readings URL."""
    uno = {"id": "kitchen", "name": "Kitchen Uno", "kind": "arduino-uno"}
    key = hub.post("/api/v1/devices", json=uno, headers=ADMIN).json()["api_key"]
    url = "/api/v1/devices/kitchen/readings"
    hub.post(url, json={"readings": READINGS}, headers={"X-API-Key": key}).raise_for_status()
    return url


def brief(reading: dict) -> str:
    """A reading in a few characters: its sensor, value and time of day (UTC)."""
    return f"{reading['sensor']} {reading['value']} at {reading['recorded_at'][11:16]}"
