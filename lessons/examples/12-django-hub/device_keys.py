"""A device's key and its hash: what the device keeps, and what the hub keeps instead."""

from django_hub import finished_project

with finished_project():
    from hub.models import Device, hash_key, new_api_key

    key = new_api_key()
    print(f"a new key: {len(key)} characters, different every time")
    print(f"its hash: {len(hash_key(key))} hex digits; here are the first 24 of three hashes:")
    print("hash_key('example-key') ->", hash_key("example-key")[:24])
    print("hash_key('example-key') ->", hash_key("example-key")[:24], "(the same again)")
    print("hash_key('example-kez') ->", hash_key("example-kez")[:24], "(one letter changed)")

    kitchen = Device(id="kitchen", name="Kitchen Uno", kind="arduino-uno")
    kitchen_key = kitchen.set_new_api_key()  # stores the hash in kitchen.api_key_hash
    print("kitchen.has_api_key(its key):", kitchen.has_api_key(kitchen_key))
    print("kitchen.has_api_key('let-me-in'):", kitchen.has_api_key("let-me-in"))
