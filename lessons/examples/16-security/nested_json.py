"""A body schemathesis (and an attacker) sends: JSON nested 100,000 levels deep."""

import json

body = "[" * 100_000 + "]" * 100_000
print("the body is", len(body), "bytes: well under the 1 MiB limit")
try:
    json.loads(body)
except RecursionError as error:
    print(f"{type(error).__name__}: {error}")
