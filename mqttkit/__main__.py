"""``python -m mqttkit broker`` and ``python -m mqttkit bridge``: the course's MQTT programs.

::

    python -m mqttkit broker --port 1883
        a broker on 127.0.0.1:1883, anonymous, until Ctrl+C (for trying things out;
        a real home runs Mosquitto)

    python -m mqttkit bridge --mqtt 127.0.0.1:1883 --hub http://127.0.0.1:5000 --keys keys.json
        the bridge between the broker and the hub, until Ctrl+C. keys.json holds each
        device's key: {"kitchen": "<its key>", ...}. For a broker with passwords, add
        --username hub-bridge and put the password in the environment: MQTT_PASSWORD.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from .bridge import Bridge
from .broker import running_broker


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m mqttkit", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    broker = commands.add_parser("broker", help="run an MQTT broker on 127.0.0.1")
    broker.add_argument("--port", type=int, default=1883, help="the port (default 1883)")
    bridge = commands.add_parser("bridge", help="carry readings, commands and acks")
    bridge.add_argument("--mqtt", default="127.0.0.1:1883", help="the broker, HOST:PORT")
    bridge.add_argument("--hub", required=True, help="the hub's base URL")
    bridge.add_argument("--keys", required=True, type=Path,
                        help='a JSON file: {"<device id>": "<its key>", ...}')
    bridge.add_argument("--poll", type=float, default=1.0,
                        help="seconds between two polls of the hub's commands (default 1)")
    bridge.add_argument("--username", help="the bridge's MQTT user (password: MQTT_PASSWORD)")
    bridge.add_argument("--tls", action="store_true", help="connect to the broker with TLS")
    return parser.parse_args(argv)


def wait_for_stop() -> None:
    """Block until Ctrl+C (SIGINT) or SIGTERM (a service manager stopping the program)."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()


def run_broker(args: argparse.Namespace) -> None:
    with running_broker(port=args.port) as broker:
        print(f"MQTT broker at {broker.url} (anonymous, this computer only); Ctrl+C stops it")
        wait_for_stop()


def run_bridge(args: argparse.Namespace) -> None:
    host, _, port = args.mqtt.rpartition(":")
    keys: dict[str, Any] = json.loads(args.keys.read_text())
    bridge = Bridge(host, int(port), args.hub, keys, poll_interval=args.poll,
                    username=args.username, password=os.environ.get("MQTT_PASSWORD"),
                    tls=args.tls, verbose=True)
    with bridge:
        print(f"bridge: {args.mqtt} <-> {args.hub}, devices {', '.join(sorted(keys))}")
        wait_for_stop()


def main(argv: list[str] | None = None) -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # one line at a time
    args = parse_args(argv)
    if args.command == "broker":
        run_broker(args)
    else:
        run_bridge(args)


if __name__ == "__main__":
    main()
