"""Serve a hub on this computer, on a free port, in a background thread.

::

    with running_hub() as hub:       # a fresh hub, serving at hub.url
        ...
        with hub.outage():           # the hub is down: connections are refused
            ...
        ...                          # up again, on the same port, with the same data

Each request is answered in its own thread, and each answer closes its connection (HTTP/1.0),
so when the hub goes down no client holds an open connection to it.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import ADMIN_TOKEN, create_app
from .errors import APIError


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's request handler, without its log line (with the date) for each request."""

    protocol_version = "HTTP/1.0"  # close the connection after each answer

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class Hub:
    """A hub app served on ``127.0.0.1``: start it with :meth:`up`, stop it with :meth:`down`.

    :attr:`url` is its base URL (``http://127.0.0.1:<port>``, no ``/`` at the end),
    :attr:`admin_token` its admin token and :attr:`app` the Flask app. The port is chosen
    when it first goes up and kept: after ``down()`` then ``up()`` the hub answers at the
    same URL, and it still has its data (the app and its store are the same).
    """

    def __init__(self, app: Flask, admin_token: str) -> None:
        self.app = app
        self.admin_token = admin_token
        self.port = 0  # 0 asks the system for any free port; up() keeps the one it gave
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The hub's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def is_up(self) -> bool:
        """Is the hub serving now?"""
        return self._server is not None

    def up(self) -> None:
        """Start serving (on the same port as before, if it served already)."""
        if self._server is not None:
            return
        server = make_server(
            "127.0.0.1", self.port, self.app, threaded=True, request_handler=QuietHandler
        )
        self.port = server.port
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="hubkit",
            daemon=True,
        )
        self._thread.start()

    def down(self) -> None:
        """Stop serving: from now on a connection to :attr:`url` is refused. The data stays."""
        if self._server is None:
            return
        self._server.shutdown()
        assert self._thread is not None
        self._thread.join()
        self._server.server_close()  # close the listening socket: connections are refused
        self._server = self._thread = None

    @contextlib.contextmanager
    def outage(self) -> Iterator[Hub]:
        """A ``with`` block during which the hub is down; it is up again after."""
        self.down()
        try:
            yield self
        finally:
            self.up()

    def register(self, name: str, *, kind: str = "arduino-uno") -> tuple[str, str]:
        """Register a device called ``name``; return its id (``name`` as a slug) and its key.

        It asks the app directly (not over the network), so it works while the hub is down.
        Raises :class:`APIError` when the hub refuses (409: the id exists already).
        """
        device_id = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-")[:64] or "device"
        response = self.app.test_client().post(
            "/api/v1/devices",
            json={"id": device_id, "name": name, "kind": kind},
            headers={"Authorization": f"Bearer {self.admin_token}"},
        )
        body = response.get_json()
        if response.status_code != 201:
            error = body["error"]
            raise APIError(response.status_code, error["code"], error["message"], error["details"])
        return device_id, body["api_key"]

    def __repr__(self) -> str:
        return f"<Hub {self.url} {'up' if self.is_up else 'down'}>"


@contextlib.contextmanager
def running_hub(
    admin_token: str = ADMIN_TOKEN, *, verbose: bool = False, rate_limit: str | None = None
) -> Iterator[Hub]:
    """Serve a fresh hub on 127.0.0.1 on a free port; yield its :class:`Hub`; stop it after.

    ``verbose=True`` prints one line for each request the hub answers; ``rate_limit``
    (``"5/minute"``) limits each device key, as ``create_app`` says.
    """
    hub = Hub(create_app(admin_token, verbose=verbose, rate_limit=rate_limit), admin_token)
    hub.up()
    try:
        yield hub
    finally:
        hub.down()
