"""What an error that Flask raises itself carries: its status, name, description and headers."""

from werkzeug.exceptions import MethodNotAllowed, NotFound

for error in (NotFound(), MethodNotAllowed(valid_methods=["GET", "HEAD", "OPTIONS"])):
    print(f"{type(error).__name__}: code={error.code} name={error.name!r}")
    print(f"    description: {error.description}")
    print(f"    headers:     {error.get_headers()}")
