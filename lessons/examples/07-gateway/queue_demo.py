"""The queue in a file: readings wait there, oldest first, and outlive the program."""

import tempfile
from pathlib import Path

from gateway import enqueue, oldest, open_queue, queued, remove

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "gateway-queue.sqlite3"  # on a real gateway: a fixed file

    db = open_queue(path)
    for value in (18.8, 18.9, 19.0):
        seq = enqueue(db, {"sensor": "temperature", "value": value, "unit": "C"})
        print("queued seq", seq)
    print("oldest:", oldest(db))
    remove(db, 1)  # the hub has stored seq 1
    db.close()  # the gateway stops (a restart, a power cut)

    db = open_queue(path)  # ... and starts again
    print("after a restart:", queued(db), "waiting, oldest:", oldest(db))
    remove(db, 2)
    remove(db, 3)
    print("empty:", oldest(db))
    print("the next one gets seq", enqueue(db, {"sensor": "humidity", "value": 53.8}))
    db.close()
