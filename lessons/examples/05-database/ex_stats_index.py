"""Exercise 3: an index that answers the stats query on its own (a covering index)."""

from schema import sample_database

con = sample_database()

# --8<-- [start:query]
STATS = """
    SELECT COUNT(*), MIN(value), MAX(value), AVG(value) FROM readings
    WHERE device_id = ? AND sensor = ? AND recorded_at >= ?
"""
ARGS = ("kitchen", "temperature", "2026-11-24T10:00:00+00:00")


def show_plan():
    for _id, _parent, _unused, step in con.execute("EXPLAIN QUERY PLAN " + STATS, ARGS):
        print("   ", step)


print("Before:")
show_plan()
# --8<-- [end:query]

# --8<-- [start:solution]
con.execute("CREATE INDEX ix_readings_stats ON readings (device_id, sensor, recorded_at, value)")
print("After:")
show_plan()
print(con.execute(STATS, ARGS).fetchone())
# --8<-- [end:solution]
