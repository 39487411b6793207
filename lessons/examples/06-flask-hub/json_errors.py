"""What json.loads says about the broken bodies that the stage 1 tests send."""

import json

bodies = [b'{"id": ', b"{'id': 'x'}", b"", b'{"id": "x",}', b"null null", b"\x00", b"\xff"]
for body in bodies:
    try:
        json.loads(body.decode("utf-8"))
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        print(f"{body!r:15} {type(error).__name__}: {error}")
