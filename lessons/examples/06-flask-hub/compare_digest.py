"""Comparing secrets: hmac.compare_digest, on bytes; and splitting an Authorization header."""

import hmac

expected = "dev-admin-token"
print(hmac.compare_digest(expected.encode(), b"dev-admin-token"))
print(hmac.compare_digest(expected.encode(), b"dev-admin-tokex"))

try:  # text with a letter outside ASCII, compared as str
    hmac.compare_digest("café-token", "café-token")
except TypeError as error:
    print(f"{type(error).__name__}: {error}")
print(hmac.compare_digest("café-token".encode(), "café-token".encode()))

for header in ["Bearer dev-admin-token", "Basic dev-admin-token", "dev-admin-token", "Bearer "]:
    print(f"{header!r:26} -> {header.partition(' ')}")
