"""Load the contract suite's plugin (hubcontract.py, beside this file).

Run the suite against a hub:

    pytest starter/contract --backend flask
    pytest starter/contract --backend http://127.0.0.1:5000 --admin-token <token>
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

# Registered once per run, even when a starter's conftest asks for it too.
pytest_plugins = ["hubcontract"]
