"""A QuerySet is built step by step and runs later: the SQL of a page, and of the stats."""

import textwrap
from datetime import UTC, datetime

from django_hub import finished_hub
from readings_for_examples import kitchen_with_readings


def print_sql(sql: str) -> None:
    """Print SQL without its long list of columns, wrapped to fit the page."""
    start, end = sql.index("SELECT") + len("SELECT"), sql.index(" FROM ")
    if sql[start:end].count(",") > 6:  # every column of the table: leave them out
        sql = sql[:start] + " ..." + sql[end:]
    print(textwrap.fill(sql, width=86, initial_indent="    ", subsequent_indent="      "))


with finished_hub() as hub:
    kitchen_with_readings(hub)
    from django.db import connection
    from django.db.models import Avg, Count, Max, Min
    from django.test.utils import CaptureQueriesContext
    from hub.models import Device
    from hub.views import window

    kitchen = Device.objects.get(pk="kitchen")
    query = {"sensor": "temperature", "since": datetime(2025, 6, 1, 11, 0, tzinfo=UTC)}
    with CaptureQueriesContext(connection) as ran:
        readings = window(kitchen.readings.order_by("-recorded_at", "-id"), query)
        page = readings[:3]  # still a QuerySet: LIMIT 3
        print("queries run so far:", len(ran))
        values = [reading.value for reading in page]  # the loop runs it
        print("queries run now:", len(ran), "->", values)
    print_sql(ran[-1]["sql"])

    with CaptureQueriesContext(connection) as ran:
        stats = window(kitchen.readings.all(), query).aggregate(
            count=Count("id"), min=Min("value"), max=Max("value"), mean=Avg("value"))
    print("aggregate():", len(ran), "query ->", stats)
    print_sql(ran[-1]["sql"])
