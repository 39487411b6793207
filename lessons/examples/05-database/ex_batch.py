"""Exercise 1: store a batch in one transaction, and count only the readings that are new."""

from schema import sample_database

INSERT_ONCE = ("INSERT INTO readings (device_id, sensor, value, seq, recorded_at)"
               " VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id, seq) DO NOTHING")


# --8<-- [start:solution]
def store_batch(con, readings):
    """Store the readings that are not replays, all in one transaction; return how many."""
    with con:
        cursor = con.executemany(INSERT_ONCE, readings)
    return cursor.rowcount


con = sample_database()  # the kitchen's readings 0, 1 and 2 are stored already
batch = [
    ("kitchen", "temperature", 21.7, 2, "2026-11-24T10:01:00+00:00"),  # a replay
    ("kitchen", "humidity", 41.0, 3, "2026-11-24T10:01:00+00:00"),
    ("kitchen", "temperature", 21.8, 4, "2026-11-24T10:02:00+00:00"),
]
print("new:", store_batch(con, batch))
print("new:", store_batch(con, batch))  # the whole batch sent again
print(con.execute("SELECT COUNT(*) FROM readings WHERE device_id = 'kitchen'").fetchone())
# --8<-- [end:solution]
