"""A small gateway: read the Uno's lines, queue the readings, forward them to the hub.

The examples of lesson 7 import the functions of this file. Each one is one idea of
the lesson: turn a line into readings, post with retries and back-off, keep a queue
in SQLite, and drain the queue oldest first.
"""

import json
import sqlite3
import time

import httpx

# --8<-- [start:to_readings]
SENSORS = [("temperature", "C"), ("humidity", "%")]


def to_readings(line, now):
    """The hub's reading bodies for one line of the board, measured at `now`."""
    text = line.decode("utf-8", errors="replace").strip()
    if not text.startswith("{"):
        return []  # the banner, an empty line after a timeout, garbage
    try:
        sample = json.loads(text)
    except json.JSONDecodeError:
        return []
    readings = []
    for sensor, unit in SENSORS:
        if sample.get(sensor) is not None:  # None: the DHT22's checksum failed
            readings.append({"sensor": sensor, "value": sample[sensor],
                             "unit": unit, "recorded_at": now.isoformat()})
    return readings
# --8<-- [end:to_readings]


# --8<-- [start:retry]
def post_with_retry(client, path, body, headers, *, tries=5, sleep=time.sleep):
    """POST body; if the hub is out of reach, wait, try again, wait twice as long...

    A 429 (too many requests) says in its Retry-After header how many seconds to wait:
    wait that long, then try again.
    """
    wait = 0.5
    for attempt in range(1, tries + 1):
        try:
            response = client.post(path, json=body, headers=headers)
        except httpx.TransportError as error:  # refused, timed out, cut off
            if attempt == tries:
                raise  # give up: the caller keeps the reading for later
            name = type(error).__name__
            print(f"    attempt {attempt}: {name}, waiting {wait} s")
            sleep(wait)
            wait = wait * 2
            continue
        if response.status_code == 429 and attempt < tries:  # the hub says: slow down
            told = response.headers.get("Retry-After", "")
            seconds = int(told) if told.isdigit() else wait
            print(f"    attempt {attempt}: 429, the hub says wait {seconds} s")
            sleep(seconds)
            continue
        return response
# --8<-- [end:retry]


# --8<-- [start:queue]
def open_queue(path):
    """Open (or create) the queue file: one row per reading the hub lacks."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE IF NOT EXISTS outbox ("
               " seq INTEGER PRIMARY KEY AUTOINCREMENT,"  # never given twice
               " body TEXT NOT NULL)")                    # the reading, as JSON
    return db


def enqueue(db, reading):
    """Put a reading at the end of the queue; return its seq."""
    cursor = db.execute("INSERT INTO outbox (body) VALUES (?)",
                        (json.dumps(reading),))
    db.commit()  # on the disk now: a crash from here on loses nothing
    return cursor.lastrowid


def oldest(db):
    """The oldest reading as (seq, reading), or None when the queue is empty."""
    row = db.execute(
        "SELECT seq, body FROM outbox ORDER BY seq LIMIT 1").fetchone()
    if row is None:
        return None
    return row[0], json.loads(row[1])


def remove(db, seq):
    """Take a reading out of the queue: only once the hub has it."""
    db.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
    db.commit()


def queued(db):
    """How many readings wait in the queue."""
    return db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
# --8<-- [end:queue]


# --8<-- [start:forward]
def forward_all(db, client, device_id, key, *, sleep=time.sleep):
    """Send the queue, oldest first, until a failure; return how many went."""
    path = f"/api/v1/devices/{device_id}/readings"
    sent = 0
    while (item := oldest(db)) is not None:
        seq, reading = item
        try:
            response = post_with_retry(client, path, {**reading, "seq": seq},
                                       {"X-API-Key": key}, tries=3, sleep=sleep)
        except httpx.TransportError:
            return sent  # the hub is out of reach: the reading stays queued
        if response.status_code not in (200, 201):
            return sent  # the hub did not take it: keep it, and look at why
        remove(db, seq)  # 201 (stored) or 200 (stored before): the hub has it
        sent += 1
    return sent
# --8<-- [end:forward]
