"""What every benchmark shares: paths, the run mode, progress lines, JSON results."""

from __future__ import annotations

import json
import math
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
VENV_BIN = Path(sys.executable).parent

console = Console(highlight=False)
_START = time.monotonic()


class Unavailable(RuntimeError):
    """A benchmark cannot run here (a missing part or tool); the reason says which."""


@dataclass(frozen=True)
class Mode:
    """How thoroughly to measure: quick (CI, under a minute) or full (`make bench`)."""

    quick: bool = False

    def pick(self, full: Any, quick: Any) -> Any:
        """Return `quick` in quick mode, else `full`."""
        return quick if self.quick else full


def say(message: str) -> None:
    """Print one progress line, prefixed with the time since the run started."""
    console.print(f"[dim]{time.monotonic() - _START:6.1f}s[/dim] {message}")


def warn(message: str) -> None:
    """Print a problem in red, as plain text (an error message may contain [brackets])."""
    console.print(
        Text(f"{time.monotonic() - _START:6.1f}s ", style="dim") + Text(message, style="red")
    )


def step(what: str, allowed_s: float) -> None:
    """Announce what runs now and how long it is allowed to take."""
    say(f"[bold]▶ {what}[/bold] [dim](≤ {allowed_s:g} s)[/dim]")


def write_result(name: str, data: dict[str, Any], *, results: Path = RESULTS) -> Path:
    """Write one benchmark's figures to `results/<name>.json` atomically."""
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_result(name: str, *, results: Path = RESULTS) -> dict[str, Any] | None:
    """Read `results/<name>.json`, or None when it was never written."""
    path = results / f"{name}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def free_port() -> int:
    """Return a TCP port on the loopback interface that nobody listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def median(values: list[float]) -> float:
    """The median of a non-empty list."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: list[float], pct: float) -> float:
    """The `pct` percentile (nearest rank) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]
