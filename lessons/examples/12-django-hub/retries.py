"""A retry is stored once, and a batch is stored whole or not at all: the finished hub."""

from django_hub import finished_hub, register, show

with finished_hub() as hub:
    key = register(hub, "kitchen")
    url = "/api/v1/devices/kitchen/readings"
    reading = {"sensor": "temperature", "value": 21.5, "seq": 7}

    first = hub.post(url, json=reading, headers=key)
    show(first)
    again = hub.post(url, json=reading, headers=key)  # the answer got lost: send it again
    show(again)
    print("    the same reading:", again.json()["id"] == first.json()["id"])

    batch = {"readings": [reading, {"sensor": "temperature", "value": 21.7, "seq": 8}]}
    mixed = hub.post(url, json=batch, headers=key)
    show(mixed)
    print("    created:", mixed.json()["created"], " replayed:", mixed.json()["replayed"])

    broken = {"readings": [{"sensor": "temperature", "value": 21.9, "seq": 9},
                           {"sensor": "temperature", "value": "hot", "seq": 10}]}
    refused = hub.post(url, json=broken, headers=key)
    show(refused)
    print("    details.index:", refused.json()["error"]["details"]["index"])

    from hub.models import Reading  # the database itself: which seqs are stored?

    print("    seqs stored:", sorted(Reading.objects.values_list("seq", flat=True)))
