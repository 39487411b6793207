"""The hub's pydantic model for a new device, at work: what validate() gives back or refuses."""

import sys

from lesson_hub import STARTER

sys.path.insert(0, str(STARTER))
from hub.errors import APIError  # noqa: E402
from hub.schemas import DeviceCreate, validate  # noqa: E402

bodies = [
    {"id": "kitchen", "name": "Kitchen Uno", "kind": "arduino-uno"},
    {"id": "Kitchen", "name": "Kitchen Uno", "kind": "arduino-uno"},
    {"id": "kitchen", "kind": "arduino-uno"},
    {"id": "kitchen", "name": 42, "kind": "arduino-uno"},
    {"id": "kitchen", "name": "Kitchen Uno", "kind": "arduino-uno", "api_key": "mine"},
    ["kitchen"],
]
for body in bodies:
    try:
        device = validate(DeviceCreate, body)
    except APIError as error:
        print(f"{error.status} {error.code}: {error.message}")
        print(f"    details: {error.details}")
    else:
        print(f"valid: {device!r}")
