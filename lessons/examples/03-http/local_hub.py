"""Start the course's finished hub (starter/flask) for this lesson's examples.

On your own computer you start a hub in a terminal (``flask --app wsgi run``) and talk to
http://127.0.0.1:5000. These examples start it themselves, so that they run anywhere:
``running_hub()`` serves the hub on 127.0.0.1 on a free port, with a fresh database and the
admin token ``ADMIN_TOKEN``, and stops it when the ``with`` block ends::

    with running_hub() as url:
        ...  # talk to the hub at url
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server

ADMIN_TOKEN = "lesson-admin-token"
"""The admin token of the hub that running_hub() starts."""

STARTER = Path(__file__).resolve().parents[3] / "starter" / "flask"


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's request handler, without its log line for every request."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@contextlib.contextmanager
def running_hub() -> Iterator[str]:
    """Serve a fresh hub on 127.0.0.1 on a free port; yield its base URL; stop it after."""
    if str(STARTER) not in sys.path:
        sys.path.insert(0, str(STARTER))
    from hub import create_app

    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{folder}/hub.sqlite3"
        app = create_app({"DATABASE_URL": database, "HUB_ADMIN_TOKEN": ADMIN_TOKEN})
        # Port 0 asks the system for any free port; server.port says which one it gave.
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.port}"
        finally:
            server.shutdown()
            thread.join()
            server.server_close()


def show(response: Any) -> None:
    """Print what was asked and what came back: method, path, status; the body of an error."""
    request = response.request
    print(f"{request.method} {request.url.path} -> {response.status_code}")
    if response.is_error:
        print("   ", response.text.strip())
