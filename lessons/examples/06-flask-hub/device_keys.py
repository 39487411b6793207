"""A device's key and its hash: what the device keeps, and what the hub keeps instead."""

import sys

from lesson_hub import STARTER

sys.path.insert(0, str(STARTER))
from hub.auth import generate_key, hash_key  # noqa: E402

key = generate_key()
print(f"a new key: {len(key)} characters, different every time")
print(f"its hash: {len(hash_key(key))} hex digits; here are the first 24 of three hashes:")
print("hash_key('example-key') ->", hash_key("example-key")[:24])
print("hash_key('example-key') ->", hash_key("example-key")[:24], "(the same again)")
print("hash_key('example-kez') ->", hash_key("example-kez")[:24], "(one letter changed)")
