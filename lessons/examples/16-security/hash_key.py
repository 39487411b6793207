"""Hash a device key, keep only the hash, and check a key against it later."""

import hashlib
import hmac
import secrets

# --8<-- [start:hash]
key = secrets.token_urlsafe(32)  # the device gets this, once
print("a new key is", len(key), "characters long")

key = "kitchen-key-4hV9qT2w"  # a fixed key, so this page prints the same every time


def hash_key(key):
    """The SHA-256 hex digest of a key: what the database stores instead of the key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


stored = hash_key(key)
print("stored:", stored)
# --8<-- [end:hash]

# --8<-- [start:check]
def check_key(sent, stored):
    """Does the key a request sent hash to the stored hash? Compared in constant time."""
    return hmac.compare_digest(hash_key(sent), stored)


print("right key:", check_key("kitchen-key-4hV9qT2w", stored))
print("wrong key:", check_key("kitchen-key-4hV9qT2x", stored))
# --8<-- [end:check]
