"""The tuned Django code (lessons/examples/tuning/django_tuned.py) answers like the plain hub.

The lesson "Flask vs Django, measured" shows each tuned function beside the plain hub code it
replaces; here each pair runs on the same small data set, in the real Django project with a
temporary SQLite database. Both hubs have a package named ``hub`` and Django is configured
once per process, so the outer test runs this module again in a child pytest with
``TUNING_DJANGO_CHILD`` set, and only there are the comparisons defined.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hubtesting import REPO, run_pytest

CHILD = "TUNING_DJANGO_CHILD"
STARTER = REPO / "starter" / "django"
TUNING = REPO / "lessons" / "examples" / "tuning"


def test_tuned_django_code_gives_the_plain_hubs_answers(tmp_path: Path) -> None:
    module = Path(__file__).relative_to(REPO)
    result = run_pytest(
        [f"{module}::TestTunedAnswersLikePlain", "-q"],
        env={CHILD: "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'tuning.sqlite3'}"},
    )
    output = f"{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, output
    assert " passed" in result.stdout and " failed" not in result.stdout, output


if os.environ.get(CHILD):  # only in the child process started above
    from datetime import UTC, datetime, timedelta

    import pytest

    for path in (STARTER, TUNING):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["HUB_ADMIN_TOKEN"] = "tuning-token"

    import django

    django.setup()

    import django_tuned as tuned
    from django.core.management import call_command
    from django.test import Client
    from hub import serializers as s
    from hub.models import Device, Reading, hash_key, new_api_key
    from hub.views import store_readings

    BASE = datetime(2026, 3, 1, 8, tzinfo=UTC)

    def make_device(device_id: str) -> tuple[Device, str]:
        """A stored device and its key."""
        api_key = new_api_key()
        return Device.objects.create(id=device_id, name=device_id, kind="k",
                                     api_key_hash=hash_key(api_key)), api_key

    def reading(sensor: str, minutes: int, value: float, **extra) -> dict:
        """A validated reading, as the serializer gives it to store_readings."""
        return {"sensor": sensor, "value": value,
                "recorded_at": BASE + timedelta(minutes=minutes), **extra}

    def summary(readings: list[Reading]) -> list[tuple]:
        """What a client sees of stored readings (ids differ between two devices)."""
        return [(r.sensor, r.value, r.unit, r.recorded_at, r.seq) for r in readings]

    @pytest.fixture(scope="session", autouse=True)
    def database() -> None:
        """Migrate the temporary database once."""
        call_command("migrate", verbosity=0, interactive=False)

    class TestTunedAnswersLikePlain:
        """Each tuned function against the plain hub code it stands in for."""

        def test_newest_per_sensor_matches_the_latest_view(self) -> None:
            device, _ = make_device("latest")
            rows = [("temp", 30, 1), ("humidity", 10, 2), ("temp", 20, 3), ("humidity", 40, 4),
                    ("light", 5, 5), ("light", 5, 6), ("a-first", 50, 7)]  # light: equal times
            store_readings(device, [reading(n, m, v) for n, m, v in rows])
            plain = Client().get("/api/v1/devices/latest/readings/latest").json()["readings"]
            fast = tuned.newest_per_sensor(device.readings.all())
            assert [r.id for r in fast] == [r["id"] for r in plain]
            assert [(r.sensor, r.value) for r in fast] == [
                ("a-first", 7), ("humidity", 4), ("light", 6), ("temp", 1)]
            assert tuned.newest_per_sensor(make_device("quiet")[0].readings.all()) == []

        @pytest.mark.parametrize(
            "data",
            [
                {"sensor": "t", "value": 21.5},
                {"sensor": "t", "value": 21, "unit": "°C", "seq": 7},
                {"sensor": "t", "value": 1, "unit": None, "recorded_at": "2026-03-01T09:00+01:00"},
                {"sensor": "t", "value": 1, "recorded_at": "2026-03-01T09:00:00+01:00"},
                {"sensor": "t", "value": 1, "unit": "", "seq": 2**63 - 1},
                {"sensor": "t", "value": "21.5"},
                {"sensor": "t", "value": True},
                {"sensor": "T", "value": 1},
                {"sensor": "t", "value": 1, "unit": "u" * 17},
                {"sensor": "t", "value": 1, "unit": "nul\x00"},
                {"sensor": "t", "value": 1, "seq": -1},
                {"sensor": "t", "value": 1, "seq": 2**63},
                {"sensor": "t", "value": 1, "recorded_at": "2026-03-01T09:00:00"},
                {"sensor": "t", "value": 1, "recorded_at": "2100-01-01T00:00:00Z"},
                {"sensor": "t", "value": 1, "timestamp": "x"},
                {"sensor": "t", "value": 1e400},
                {"sensor": "t", "value": 10**400},
                ["t", 1],
            ],
            ids=lambda data: repr(data)[:40],
        )
        def test_plain_reading_accepts_what_the_serializer_accepts(self, data) -> None:
            serializer = s.ReadingCreateSerializer(data=data)
            fast = tuned.plain_reading(data)
            if fast is None:  # not taken by the fast path: nothing to compare
                return
            assert serializer.is_valid(), serializer.errors
            plain = dict(serializer.validated_data)
            if "recorded_at" not in data:  # both default to "now", a moment apart
                assert abs(fast.pop("recorded_at") - plain.pop("recorded_at")) < timedelta(
                    seconds=5
                )
            assert fast == plain

        def test_plain_reading_takes_the_usual_readings(self) -> None:
            assert tuned.plain_reading({"sensor": "t", "value": 1, "seq": 3}) is not None
            assert tuned.plain_reading({"sensor": "t", "value": "1"}) is None

        def test_store_readings_tuned_stores_like_store_readings(self) -> None:
            plain_device, _ = make_device("store-plain")
            fast_device, _ = make_device("store-fast")
            posts = [
                [reading("t", 1, 1.5, seq=1)],
                [reading("t", 1, 9.5, seq=1)],  # a replay: the first one answers
                [reading("t", 2, 2.0, seq=2), reading("t", 1, 8.0, seq=1),
                 reading("h", 3, 3.0), reading("t", 4, 4.0, seq=4, unit="C")],
                [reading("t", 2, 2.0, seq=2), reading("t", 4, 4.0, seq=4)],  # replays only
            ]
            for post in posts:
                plain, plain_new = store_readings(plain_device, post)
                fast, fast_new = tuned.store_readings_tuned(fast_device, post)
                assert (summary(fast), fast_new) == (summary(plain), plain_new)
            ordered = ("recorded_at", "id")
            assert summary(fast_device.readings.order_by(*ordered)) == summary(
                plain_device.readings.order_by(*ordered)
            )
            plain_device.refresh_from_db()
            fast_device.refresh_from_db()
            assert plain_device.last_seen_at is not None and fast_device.last_seen_at is not None

        def test_mark_seen_writes_at_most_once_a_second(self) -> None:
            device, _ = make_device("seen")
            tuned.mark_seen(device)
            first = Device.objects.get(pk="seen").last_seen_at
            tuned.mark_seen(device)
            assert first is not None and Device.objects.get(pk="seen").last_seen_at == first

        def test_path_and_key_devices_match_the_authentication_class(self) -> None:
            mine, my_key = make_device("key-mine")
            other, other_key = make_device("key-other")
            client = Client()
            cases = {  # the key sent -> the plain hub's status, and the tuned (path, owner)
                my_key: (200, mine, mine),
                other_key: (403, mine, other),
                "k" * 43: (401, mine, None),
                "": (401, mine, None),
            }
            for api_key, (status, path, owner) in cases.items():
                response = client.get("/api/v1/devices/key-mine/commands", HTTP_X_API_KEY=api_key)
                assert response.status_code == status, response.content
                assert tuned.path_and_key_devices("key-mine", api_key) == (path, owner)
            missing = client.get("/api/v1/devices/key-none/commands", HTTP_X_API_KEY=my_key)
            assert missing.status_code == 404
            assert tuned.path_and_key_devices("key-none", my_key) == (None, mine)

        def test_reading_json_matches_the_serializer(self) -> None:
            device, _ = make_device("json")
            store_readings(device, [reading("t", 1, 1.25, seq=3, unit="C"), reading("h", 2, 2)])
            for stored in device.readings.all():
                fast, plain = tuned.reading_json(stored), dict(s.ReadingSerializer(stored).data)
                for key in ("recorded_at", "received_at"):
                    assert datetime.fromisoformat(fast.pop(key)) == datetime.fromisoformat(
                        plain.pop(key)
                    )
                assert fast == plain
