"""Give this starter's tests the contract suite's plugin (hubcontract.py).

The plugin brings the options (--backend, --admin-token), the points and hint markers and the
fixtures: `client` (an httpx.Client talking to this hub in-process), `admin_headers`,
`device` (a factory of fresh devices), `hub_app` (the WSGI app). pytest.ini names the
default backend (hub_backend = django) and the contract tests to collect.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

STARTER = Path(__file__).resolve().parents[1]
CONTRACTS = (STARTER / "contract", STARTER.parent / "contract")

CONTRACT = next((d for d in CONTRACTS if (d / "hubcontract.py").is_file()), None)
if CONTRACT is None:
    raise pytest.UsageError(
        "cannot find the contract suite: expected contract/hubcontract.py in this starter "
        "(or ../contract in the course repository)"
    )
if str(CONTRACT) not in sys.path:
    sys.path.insert(0, str(CONTRACT))

pytest_plugins = ["hubcontract"]
