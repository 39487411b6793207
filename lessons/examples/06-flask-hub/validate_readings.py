"""The hub's validate_readings(), written for you: one reading, a batch, and what it refuses."""

import sys

from lesson_hub import STARTER

sys.path.insert(0, str(STARTER))
from hub.errors import APIError  # noqa: E402
from hub.schemas import validate_readings  # noqa: E402

bodies = [
    {"sensor": "temperature", "value": 21.5, "unit": "C"},
    {"readings": [{"sensor": "temperature", "value": 21.5, "seq": 1},
                  {"sensor": "humidity", "value": 48, "seq": 2}]},
    {"sensor": "temperature", "value": "21.5"},
    {"sensor": "temperature", "value": 21.5, "recorded_at": "2025-06-01T12:00:00"},
    {"readings": [{"sensor": "temperature", "value": 21.5},
                  {"sensor": "humidity", "value": True}]},
    {"readings": [{"sensor": "t", "value": 1, "seq": 5}, {"sensor": "t", "value": 2, "seq": 5}]},
]
for body in bodies:
    try:
        readings, is_batch = validate_readings(body)
    except APIError as error:
        print(f"{error.status} {error.code}: {error.message}")
        if "index" in error.details:
            print(f"    details.index: {error.details['index']}")
    else:
        kind = "a batch:" if is_batch else "one reading:"
        print(kind, [(r.sensor, r.value, r.seq) for r in readings])
