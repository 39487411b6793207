"""Before and after: the Flask hub's latest-per-sensor and stats, plain and tuned.

The plain code is the hub's own view (starter/flask/hub/readings.py); the tuned code is
lessons/examples/tuning/flask_tuned.py. Both run on the same 1,000,000 readings.
"""

import importlib.util
import sys
import tempfile
from pathlib import Path

from measuring import READINGS, REPO, best_times, how_much_faster, seed, show_sql

sys.path.insert(0, str(REPO / "starter" / "flask"))
from hub import create_app, readings  # noqa: E402
from hub.db import db  # noqa: E402
from hub.models import get_device_or_404  # noqa: E402
from hub.schemas import StatsQuery  # noqa: E402
from sqlalchemy import event  # noqa: E402

TUNED = REPO / "lessons" / "examples" / "tuning" / "flask_tuned.py"
spec = importlib.util.spec_from_file_location("flask_tuned", TUNED)
tuned = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tuned)
TOKEN = "lesson-admin-token"


# --8<-- [start:tuned-views]
def latest_tuned(device_id):
    """The latest view with the tuned query: the answer of readings.latest_readings."""
    device = get_device_or_404(device_id)
    latest = tuned.latest_readings_tuned(device.id)
    return {"readings": [reading.to_dict() for reading in latest]}


def stats_tuned(device_id):
    """The stats view with the tuned query: the answer of readings.reading_stats."""
    device = get_device_or_404(device_id)
    return tuned.reading_stats_tuned(device.id, StatsQuery(sensor="temperature"))
# --8<-- [end:tuned-views]


# --8<-- [start:statements]
def statements_of(view, *args):
    """Run a view once; return its answer, and the SQL statements it sent with their values."""
    sent = []

    def log(connection, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", log)
    try:
        answer = view(*args)
    finally:
        event.remove(db.engine, "before_cursor_execute", log)
    return answer, sent


def plan_of(statement, parameters):
    """SQLite's plan of a statement: EXPLAIN QUERY PLAN, with the same values."""
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        return [row[3] for row in rows]
# --8<-- [end:statements]


# --8<-- [start:compare]
def compare(name, before, after, url):
    """Check that two views answer the same; show their SQL and plan, and the speed-up."""
    with app.test_request_context(url):
        before_answer, before_sent = statements_of(before, "kitchen")
        after_answer, after_sent = statements_of(after, "kitchen")
        print(f"{name}: the same answer before and after: {before_answer == after_answer}")
        for label, sent in (("before", before_sent), ("after", after_sent)):
            on_readings = [s for s in sent if "FROM readings" in s[0]]
            print(f"  {label}: {len(sent)} SQL statements,"
                  f" {len(on_readings)} on readings; the first:")
            show_sql(on_readings[0][0], plan_of(*on_readings[0]))
        times = best_times(lambda: before("kitchen"), lambda: after("kitchen"))
        print(f"  after is {how_much_faster(*times)}")
# --8<-- [end:compare]


with tempfile.TemporaryDirectory() as data:
    database = Path(data) / "hub.sqlite3"
    app = create_app({"DATABASE_URL": f"sqlite:///{database}", "HUB_ADMIN_TOKEN": TOKEN})
    client = app.test_client()
    device = {"id": "kitchen", "name": "Kitchen", "kind": "arduino-uno"}
    answer = client.post("/api/v1/devices", json=device,
                         headers={"Authorization": f"Bearer {TOKEN}"})
    sample = {"readings": [{"sensor": "temperature", "value": 1.5, "seq": 0}]}
    client.post("/api/v1/devices/kitchen/readings", json=sample,
                headers={"X-API-Key": answer.json["api_key"]})
    seed(database, "kitchen", READINGS)  # the benchmark's seeding: straight into the table
    print(f"{READINGS:,} readings stored for the kitchen, 4 sensors")
    # --8<-- [start:run]
    compare("latest per sensor", readings.latest_readings, latest_tuned,
            "/api/v1/devices/kitchen/readings/latest")
    compare("stats of one sensor", readings.reading_stats, stats_tuned,
            "/api/v1/devices/kitchen/readings/stats?sensor=temperature")
    # --8<-- [end:run]
    with app.app_context():
        db.engine.dispose()
