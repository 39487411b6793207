"""Without AUTOINCREMENT an empty queue gives seq 1 again: a new reading is lost."""

import json
import sqlite3

import httpx

from hubkit import running_hub

db = sqlite3.connect(":memory:")
# the mistake: INTEGER PRIMARY KEY without AUTOINCREMENT
db.execute("CREATE TABLE outbox (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)")


def enqueue(reading):
    return db.execute("INSERT INTO outbox (body) VALUES (?)", (json.dumps(reading),)).lastrowid


with running_hub() as hub, httpx.Client(base_url=hub.url) as client:
    device_id, key = hub.register("kitchen")
    path = f"/api/v1/devices/{device_id}/readings"
    for value in (18.8, 21.5):
        seq = enqueue({"sensor": "temperature", "value": value})
        answer = client.post(path, json={"sensor": "temperature", "value": value, "seq": seq},
                             headers={"X-API-Key": key})
        db.execute("DELETE FROM outbox WHERE seq = ?", (seq,))  # sent: the queue is empty
        print(f"value {value} sent with seq {seq} -> {answer.status_code}")
    print("the hub holds:", [r["value"] for r in client.get(path).json()["readings"]])
