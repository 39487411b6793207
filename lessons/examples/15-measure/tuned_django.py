"""Before and after: the Django hub's latest-per-sensor, plain and tuned.

The plain code is the hub's own view (starter/django/hub/views.py); the tuned code is
``newest_per_sensor`` of lessons/examples/tuning/django_tuned.py. Both run on the same
1,000,000 readings.
"""

import os
import sys
import tempfile
from pathlib import Path

from measuring import READINGS, REPO, best_times, how_much_faster, seed, show_sql

sys.path.insert(0, str(REPO / "starter" / "django"))
sys.path.insert(0, str(REPO / "lessons" / "examples" / "tuning"))
TOKEN = "lesson-admin-token"
LATEST = "/api/v1/devices/kitchen/readings/latest"

with tempfile.TemporaryDirectory() as data:
    database = Path(data) / "hub.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["HUB_ADMIN_TOKEN"] = TOKEN
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection, connections
    from django.shortcuts import get_object_or_404
    from django.test import Client
    from django_tuned import newest_per_sensor
    from hub import serializers
    from hub.models import Device
    from hub.views import LatestReadingsView
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory

    client = Client()
    device = {"id": "kitchen", "name": "Kitchen", "kind": "arduino-uno"}
    answer = client.post("/api/v1/devices", device, content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    sample = {"readings": [{"sensor": "temperature", "value": 1.5, "seq": 0}]}
    client.post("/api/v1/devices/kitchen/readings", sample, content_type="application/json",
                HTTP_X_API_KEY=answer.json()["api_key"])
    connections.close_all()  # the seeding writes to the file with a connection of its own
    seed(database, "kitchen", READINGS)
    print(f"{READINGS:,} readings stored for the kitchen, 4 sensors")

    # --8<-- [start:tuned-view]
    class TunedLatestReadingsView(LatestReadingsView):
        """The hub's latest view, with the tuned query."""

        def get(self, request, device_id):
            device = get_object_or_404(Device, pk=device_id)
            latest = newest_per_sensor(device.readings.all())
            data = serializers.ReadingSerializer(latest, many=True).data
            return Response({"readings": data})
    # --8<-- [end:tuned-view]

    # --8<-- [start:statements]
    def statements_of(view):
        """Answer one GET of latest; return the answer, and the SQL sent with its values."""
        sent = []

        def log(execute, sql, params, many, context):
            sent.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(log):
            answer = view(APIRequestFactory().get(LATEST), device_id="kitchen")
        return answer.data, sent

    def plan_of(sql, params):
        """SQLite's plan of a statement: EXPLAIN QUERY PLAN, with the same values."""
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return [row[3] for row in cursor.fetchall()]
    # --8<-- [end:statements]

    before, after = LatestReadingsView.as_view(), TunedLatestReadingsView.as_view()
    before_answer, before_sent = statements_of(before)
    after_answer, after_sent = statements_of(after)
    print("latest per sensor: the same answer before and after:",
          before_answer == after_answer)
    for label, sent in (("before", before_sent), ("after", after_sent)):
        on_readings = [s for s in sent if 'FROM "hub_reading"' in s[0]]
        print(f"  {label}: {len(sent)} SQL statements,"
              f" {len(on_readings)} on readings; the first:")
        show_sql(on_readings[0][0], plan_of(*on_readings[0]))
    request = APIRequestFactory().get(LATEST)
    times = best_times(lambda: before(request, device_id="kitchen"),
                       lambda: after(request, device_id="kitchen"))
    print(f"  after is {how_much_faster(*times)}")
    connections.close_all()
