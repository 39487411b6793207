"""hubkit: a small hub that keeps everything in memory, for the notebooks.

It answers like the hub you build in the project: the same paths, the same JSON, the same
error envelope ``{"error": {"code", "message", "details"}}`` (the contract,
``starter/contract/openapi.yaml``). It keeps its devices, readings and commands in
dictionaries and lists, so it forgets everything when it stops. The notebooks use it so
that your exercises never depend on how far your own hub is.

You may read all of it: ``import hubkit; print(hubkit.__file__)`` says where it lives.
Each concern has its own module, like the project's hub::

    hubkit/app.py       create_app(): the Flask app, its settings, the health route
    hubkit/errors.py    APIError and the error envelope
    hubkit/checks.py    reading a JSON body and checking its fields
    hubkit/store.py     the dictionaries and lists that hold the data
    hubkit/auth.py      the admin token and the device keys
    hubkit/limits.py    the rate limit per device key (429 with Retry-After), off by default
    hubkit/devices.py   /api/v1/devices                       (blueprint)
    hubkit/readings.py  /api/v1/devices/<id>/readings         (blueprint)
    hubkit/commands.py  /api/v1/devices/<id>/commands         (blueprint)
    hubkit/server.py    running_hub() and Hub: serve it on a free port, stop it, start it
    hubkit/faults.py    LoseAnswers: an httpx transport that loses answers, for tests

Example::

    import httpx
    from hubkit import running_hub

    with running_hub() as hub:                      # the hub starts here ...
        with httpx.Client(base_url=hub.url) as client:
            print(client.get("/api/v1/health").json())
                                                    # ... and stops here
"""

from __future__ import annotations

from .app import ADMIN_TOKEN, create_app
from .errors import APIError
from .faults import LoseAnswers
from .server import Hub, running_hub

__all__ = ["ADMIN_TOKEN", "APIError", "Hub", "LoseAnswers", "create_app", "running_hub"]
