"""The contract suite over real HTTP: each hub served as `make serve-<hub>` serves it.

The suite's in-process runs go through WSGI; this checks that the same tests pass against a
real server on a free loopback port, the way the grader talks to a student's hub.
"""

from __future__ import annotations

import sys

import pytest
from hubtesting import REPO, run_pytest

TOKEN = "contract-http-test-token"

# How each hub is served: the command `make serve-<hub>` runs, on a port of our choosing.
SERVERS = {
    "flask": (
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "wsgi",
            "serve-dev",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
        ],
        REPO / "starter" / "flask",
    ),
    "django": (
        [sys.executable, "manage.py", "serve", "127.0.0.1:{port}", "--noreload"],
        REPO / "starter" / "django",
    ),
    # how the grader runs a Django hub: migrate, then gunicorn (reading gunicorn.conf.py)
    "django-gunicorn": (
        [
            "sh",
            "-c",
            f"{sys.executable} manage.py migrate --noinput && exec "
            f"{sys.executable} -m gunicorn config.wsgi:application -b 127.0.0.1:{{port}}",
        ],
        REPO / "starter" / "django",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("hub", sorted(SERVERS))
def test_contract_suite_passes_over_http(hub, serve_hub):
    argv, cwd = SERVERS[hub]
    base_url = serve_hub(argv, cwd, {"HUB_ADMIN_TOKEN": TOKEN})
    result = run_pytest(["starter/contract", "--backend", base_url, "--admin-token", TOKEN, "-q"])
    assert result.returncode == 0, (
        f"the contract suite failed against {hub} over HTTP:\n{result.stdout}\n{result.stderr}"
    )
    assert " passed" in result.stdout and "points:" in result.stdout
