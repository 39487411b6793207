"""The tuned functions of lessons/examples/tuning/flask_tuned.py answer as the hub's views do.

The lesson 'Flask vs Django, measured' shows them as the "after" of the reference hub's plain
views; this checks that "after" means faster, not different. The real Flask hub runs with a
temporary SQLite database; the same readings go through the hub's API and through the tuned
functions, and the answers are compared.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hubtesting import REPO

STARTER = REPO / "starter" / "flask"
TUNED = REPO / "lessons" / "examples" / "tuning" / "flask_tuned.py"
TOKEN = "tuning-token"
BASE = datetime(2026, 3, 1, 8, tzinfo=UTC)


def at(seconds: float) -> str:
    """BASE plus some seconds, as ISO 8601."""
    return (BASE + timedelta(seconds=seconds)).isoformat()


def is_hub_module(name: str) -> bool:
    """Whether a module belongs to a package named hub (both starters have one)."""
    return name == "hub" or name.startswith("hub.")


@pytest.fixture
def modules(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ModuleType, ModuleType]]:
    """The Flask hub's package and the tuned module, imported fresh and forgotten after."""
    saved = {name: module for name, module in sys.modules.items() if is_hub_module(name)}
    for name in saved:
        del sys.modules[name]
    monkeypatch.syspath_prepend(str(STARTER))
    import hub

    assert Path(hub.__file__).resolve().parent == STARTER / "hub", "another hub was imported"
    spec = importlib.util.spec_from_file_location("flask_tuned", TUNED)
    assert spec is not None and spec.loader is not None
    tuned = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tuned)
    yield hub, tuned
    for name in [name for name in sys.modules if is_hub_module(name)]:
        del sys.modules[name]
    sys.modules.update(saved)


@pytest.fixture
def app(modules: tuple[ModuleType, ModuleType], tmp_path: Path) -> Any:
    """The Flask hub with a fresh SQLite database."""
    hub, _ = modules
    database = f"sqlite:///{tmp_path / 'hub.sqlite3'}"
    return hub.create_app({"TESTING": True, "DATABASE_URL": database, "HUB_ADMIN_TOKEN": TOKEN})


@pytest.fixture
def tuned(modules: tuple[ModuleType, ModuleType]) -> ModuleType:
    """lessons/examples/tuning/flask_tuned.py."""
    return modules[1]


@pytest.fixture
def api(app: Any) -> Any:
    """A test client of the hub."""
    return app.test_client()


def create(api: Any, device_id: str) -> str:
    """Register a device through the API; return its key."""
    body = {"id": device_id, "name": device_id.title(), "kind": "arduino-uno"}
    answer = api.post("/api/v1/devices", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 201, answer.json
    return answer.json["api_key"]


def post(api: Any, device_id: str, key: str, body: Any) -> Any:
    """Post readings through the API; return the answer."""
    return api.post(f"/api/v1/devices/{device_id}/readings", json=body, headers={"X-API-Key": key})


def readings_data() -> list[dict[str, Any]]:
    """Readings of three sensors, out of order, some at the same time, all with a seq."""
    rows = []
    for n in range(60):
        sensor = ("temperature", "humidity", "light")[n % 3]
        seconds = (n * 37) % 50  # out of order, with repeats: equal times on one sensor
        rows.append({"sensor": sensor, "value": n * 1.5 - 20, "recorded_at": at(seconds), "seq": n})
    return rows


@pytest.fixture
def kitchen(api: Any) -> str:
    """A device with the readings of readings_data(), posted through the API."""
    key = create(api, "kitchen")
    answer = post(api, "kitchen", key, {"readings": readings_data()})
    assert answer.status_code == 201, answer.json
    return "kitchen"


def without(reading: dict[str, Any], *fields: str) -> dict[str, Any]:
    """A reading without some fields (ids and arrival times differ between two devices)."""
    return {name: value for name, value in reading.items() if name not in fields}


def as_json(value: Any) -> Any:
    """What a value looks like after a trip through JSON, as the views answer it."""
    return json.loads(json.dumps(value))


def test_latest_readings_tuned_is_the_latest_view(app: Any, api: Any, tuned: Any, kitchen: str):
    view = api.get(f"/api/v1/devices/{kitchen}/readings/latest").json["readings"]
    with app.app_context():
        fast = [reading.to_dict() for reading in tuned.latest_readings_tuned(kitchen)]
    assert [r["sensor"] for r in view] == ["humidity", "light", "temperature"]
    assert as_json(fast) == view


def test_latest_readings_tuned_of_a_quiet_device_is_empty(app: Any, api: Any, tuned: Any):
    create(api, "quiet")
    with app.app_context():
        assert tuned.latest_readings_tuned("quiet") == []


@pytest.mark.parametrize(
    "params",
    [
        {"sensor": "temperature"},
        {"sensor": "light", "since": at(10)},
        {"sensor": "humidity", "since": at(5), "until": at(40)},
        {"sensor": "temperature", "until": at(0)},  # nothing: count 0, nulls
        {"sensor": "nothing"},
    ],
    ids=["all", "since", "window", "empty-window", "unknown-sensor"],
)
def test_reading_stats_tuned_is_the_stats_view(
    app: Any, api: Any, tuned: Any, kitchen: str, params: dict[str, str]
):
    view = api.get(f"/api/v1/devices/{kitchen}/readings/stats", query_string=params).json
    from hub.schemas import StatsQuery

    with app.app_context():
        fast = tuned.reading_stats_tuned(kitchen, StatsQuery.model_validate(params))
    assert as_json(fast) == view


def test_reading_stats_tuned_survives_a_sum_that_overflows(app: Any, api: Any, tuned: Any):
    key = create(api, "huge")
    body = {"readings": [{"sensor": "t", "value": 1.5e308, "recorded_at": at(s)} for s in range(3)]}
    assert post(api, "huge", key, body).status_code == 201
    view = api.get("/api/v1/devices/huge/readings/stats", query_string={"sensor": "t"}).json
    from hub.schemas import StatsQuery

    with app.app_context():
        fast = tuned.reading_stats_tuned("huge", StatsQuery(sensor="t"))
    assert view["mean"] == pytest.approx(1.5e308) and as_json(fast) == view


def test_store_readings_tuned_stores_and_replays_as_the_view(app: Any, api: Any, tuned: Any):
    from hub.models import Device
    from hub.schemas import validate_readings

    plain_key = create(api, "plain")
    create(api, "fast")
    data = readings_data()
    first = {"readings": data[:40]}
    second = {"readings": [{**row, "value": 999.0} for row in data[30:]]}  # 10 replays, 20 new
    for body, created in ((first, 40), (second, 20)):
        view = post(api, "plain", plain_key, body).json
        with app.app_context():
            device = tuned.load_device_key("fast")
            readings, fast_created = tuned.store_readings_tuned(device, validate_readings(body)[0])
            fast = [reading.to_dict() for reading in readings]
        assert view["created"] == fast_created == created
        drop = ("id", "received_at")
        assert [without(r, *drop) for r in view["readings"]] == as_json(
            [without(r, *drop) for r in fast]
        )
    stored = {
        device_id: api.get(f"/api/v1/devices/{device_id}/readings?limit=1000").json["readings"]
        for device_id in ("plain", "fast")
    }
    assert len(stored["plain"]) == 60
    assert [without(r, "id", "received_at") for r in stored["plain"]] == [
        without(r, "id", "received_at") for r in stored["fast"]
    ]
    with app.app_context():
        from hub.db import db

        assert db.session.get(Device, "fast").last_seen_at is not None


def test_load_device_key_reads_what_the_device_row_holds(app: Any, api: Any, tuned: Any):
    from hub.db import db
    from hub.errors import APIError
    from hub.models import Device

    create(api, "porch")
    with app.app_context():
        key = tuned.load_device_key("porch")
        device = db.session.get(Device, "porch")
        assert (key.id, key.key_hash, key.last_seen_at) == ("porch", device.key_hash, None)
        with pytest.raises(APIError) as refused:
            tuned.load_device_key("nobody")
    assert refused.value.status == 404
