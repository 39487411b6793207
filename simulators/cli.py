"""``python -m simulators``: run simulated boards and fleets from the command line.

Each sub-command is one small function; ``--help`` on each says what it does, with an
example. Failures print a message a person can act on and exit 1.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from .errors import SimulatorError

__all__ = ["main", "build_parser"]

_FORMATTER = argparse.RawDescriptionHelpFormatter


def _add_list(commands: Any) -> None:
    parser = commands.add_parser(
        "list", formatter_class=_FORMATTER,
        help="name the boards, sketches and parts",
        description="Name the simulated boards, the built-in sketches and the parts, with the "
                    "default wiring of each board.",
        epilog="example:\n  python -m simulators list")
    parser.set_defaults(run=run_list)


def _add_arduino(commands: Any) -> None:
    parser = commands.add_parser(
        "arduino", formatter_class=_FORMATTER,
        help="run a simulated Arduino Uno on a pty, a TCP port, RFC 2217, or this terminal",
        description="Run a simulated Arduino Uno. With --pty it appears as a serial port "
                    "(a pty, with a symlink given by --link) that any program can open; "
                    "with --tcp it is reachable as pyserial's socket://HOST:PORT; with "
                    "--rfc2217 as pyserial's rfc2217://HOST:PORT, the one where modem lines "
                    "work (DTR resets the board); with none of them, its serial output is "
                    "printed here.\n\n"
                    "Which to pick: from Python, no server at all: "
                    "serial.serial_for_url('sim://uno?sketch=...'); a program that needs a "
                    "device path: --pty; a program that toggles DTR to reset the board or "
                    "reads CTS/DSR: --rfc2217; a program that speaks raw TCP: --tcp.",
        epilog="examples:\n"
               "  python -m simulators arduino --sketch sensor_reporter --pty --link ./ttySIM0\n"
               "  python -m serial.tools.miniterm ./ttySIM0 9600      # in another terminal\n"
               "  python -m simulators arduino --sketch command_listener --tcp 127.0.0.1:7000\n"
               "  python -m simulators arduino --sketch blink --rfc2217 127.0.0.1:7001\n"
               "  python -m serial.tools.miniterm rfc2217://127.0.0.1:7001 9600\n"
               "  python -m simulators arduino --clock virtual --duration 10")
    parser.add_argument("--sketch", default="sensor_reporter",
                        help="built-in sketch name or path to a .py sketch "
                             "(default: sensor_reporter)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the world (default: 0)")
    parser.add_argument("--clock", choices=("realtime", "virtual"), default="realtime",
                        help="realtime follows the wall clock; virtual runs as fast as "
                             "possible (only without --pty/--tcp/--rfc2217)")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="realtime speed factor (default: 1)")
    parser.add_argument("--interval", type=int, help="sketch reporting interval in ms")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="another sketch setting (repeatable)")
    parser.add_argument("--no-banner", action="store_true",
                        help="no boot line ('# Blink to Backend Uno ... ready') after a reset, "
                             "for programs that parse every line (the sketch param banner=0)")
    parser.add_argument("--pty", action="store_true", help="serve the port on a pty")
    parser.add_argument("--link", help="with --pty: a symlink to the pty, e.g. ./ttySIM0")
    parser.add_argument("--tcp", metavar="HOST:PORT",
                        help="serve the port over raw TCP (pyserial's socket://HOST:PORT)")
    parser.add_argument("--rfc2217", metavar="HOST:PORT",
                        help="serve the port over RFC 2217 (pyserial's rfc2217://HOST:PORT): "
                             "each connection resets the board, so does DTR going "
                             "low then high; CTS/DSR/RI/CD read as on a Uno R3 "
                             "(True/False/False/False); port 0 picks a free one")
    parser.add_argument("--duration", type=float,
                        help="stop after this many simulated seconds (default: run until "
                             "Ctrl-C or SIGTERM)")
    parser.set_defaults(run=run_arduino)


def _add_fleet(commands: Any) -> None:
    parser = commands.add_parser(
        "fleet", formatter_class=_FORMATTER,
        help="stream readings of N simulated devices to a hub, store-and-forward",
        description="Register N simulated devices with a hub (the course's API contract) and "
                    "stream their readings through a store-and-forward gateway: readings "
                    "wait in a local SQLite queue while the hub is down and go out when it "
                    "is back; each carries a seq, so a retry never duplicates. Ends with a "
                    "summary: sent, acknowledged, retried, queued, lost.",
        epilog="example:\n"
               "  python -m simulators fleet --backend http://127.0.0.1:5000 \\\n"
               "      --admin-token dev-admin-token --devices 5 --interval 1 --duration 60\n\n"
               "Device keys are kept in the state file (--state), so a rerun reuses the\n"
               "devices; a device that exists on the hub but not in the state file is\n"
               "deleted and registered again (its key is shown only once).")
    parser.add_argument("--backend", required=True, help="the hub's base URL")
    parser.add_argument("--admin-token", required=True, help="the hub's admin token")
    parser.add_argument("--devices", type=int, default=3, help="how many devices (default: 3)")
    parser.add_argument("--interval", type=float, default=5.0,
                        help="seconds between samples of each device (default: 5)")
    parser.add_argument("--duration", type=float, default=60.0,
                        help="how long to generate readings, in seconds (default: 60)")
    parser.add_argument("--batch", type=int, default=50,
                        help="readings per request, at most 500 (default: 50)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the world (default: 0)")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="simulated seconds per wall second (default: 1)")
    parser.add_argument("--state", default="fleet.queue.sqlite",
                        help="SQLite file for the queue and device keys "
                             "(default: fleet.queue.sqlite)")
    parser.add_argument("--prefix", default="sim", help="device id prefix (default: sim)")
    parser.add_argument("--drain-timeout", type=float, default=30.0,
                        help="after --duration, how long to keep retrying what is queued "
                             "(default: 30 s)")
    parser.add_argument("--quiet", action="store_true", help="no progress display")
    parser.set_defaults(run=run_fleet)


def _add_run(commands: Any) -> None:
    parser = commands.add_parser(
        "run", formatter_class=_FORMATTER,
        help="check a sketch offline with a scenario file (YAML)",
        description="Run scenario files. Each starts a simulated Uno with a sketch, then plays "
                    "its steps in simulated time: press buttons, change the room, send "
                    "serial lines, wait for answers, check parts, pins and JSON fields. "
                    "Prints one line per step. Exit code 0 when every expectation holds, "
                    "1 when one fails, 2 when a scenario file is wrong.",
        epilog="examples:\n"
               "  python -m simulators run simulators/scenarios/blink.yaml\n"
               "  python -m simulators run command_listener      # an example, by name\n"
               "  python -m simulators run checks/blink.yaml --sketch my_blink.py\n\n"
               "The file format is in simulators/README.md, section Scenarios.")
    parser.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                        help="a scenario .yaml file, or the name of an example "
                             "(blink, sensor_reporter, command_listener)")
    parser.add_argument("--sketch",
                        help="run this sketch instead of the scenario's: a .py file "
                             "(relative to here) or a built-in sketch name")
    parser.set_defaults(run=run_scenarios)


def _add_pi(commands: Any) -> None:
    parser = commands.add_parser(
        "pi", formatter_class=_FORMATTER,
        help="show a Raspberry Pi wiring: which part is on which pin",
        description="Show the simulated Raspberry Pi's wiring as a table: each GPIO pin with "
                    "its part, name and options, then the chips on the SPI bus and their "
                    "channels, and the built-in wirings. Without --wiring it shows the one "
                    "gpiozero programs get: SIM_PI_WIRING, or the course's breadboard.",
        epilog="examples:\n"
               "  python -m simulators pi --wiring recipes        # a built-in layout\n"
               "  python -m simulators pi --wiring my_pi.toml     # your own wiring file\n"
               "  SIM_PI_WIRING=recipes GPIOZERO_PIN_FACTORY=sim python led_1.py\n\n"
               "The wiring file format is in simulators/README.md, section Pi wiring.")
    parser.add_argument("--wiring", metavar="NAME_OR_FILE",
                        help="a built-in layout (course, recipes, ...) or a .toml wiring file "
                             "(default: SIM_PI_WIRING, else course)")
    parser.set_defaults(run=run_pi)


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser."""
    parser = argparse.ArgumentParser(
        prog="python -m simulators", formatter_class=_FORMATTER,
        description="Software Arduino Uno and Raspberry Pi for Blink to Backend.",
        epilog="examples:\n"
               "  python -m simulators list\n"
               "  python -m simulators arduino --sketch sensor_reporter --pty --link ./ttySIM0\n"
               "  python -m simulators fleet --backend http://127.0.0.1:5000 "
               "--admin-token T --devices 3\n"
               "  python -m simulators run simulators/scenarios/blink.yaml\n\n"
               "From Python: serial.serial_for_url('sim://uno?sketch=blink') after\n"
               "`import simulators`; GPIOZERO_PIN_FACTORY=sim for gpiozero.")
    commands = parser.add_subparsers(title="commands", dest="command", required=True)
    _add_list(commands)
    _add_arduino(commands)
    _add_fleet(commands)
    _add_run(commands)
    _add_pi(commands)
    return parser


def run_list(args: argparse.Namespace) -> int:
    """Print boards, sketches, parts."""
    from .parts import PARTS
    from .uno import describe_sketches
    from .wiring import PI_WIRING, UNO_WIRING

    def wiring_lines(wiring: dict[str, dict[str, Any]]) -> list[str]:
        return [f"    {pin:<7} {spec['part']:<14} {spec['name']}" for pin, spec in wiring.items()]

    lines = ["boards:", "  uno   Arduino Uno (sim://uno, python -m simulators arduino)"]
    lines += wiring_lines(UNO_WIRING)
    lines += ["  pi    Raspberry Pi (GPIOZERO_PIN_FACTORY=sim)"]
    lines += wiring_lines(PI_WIRING)
    lines += ["", "sketches:"]
    lines += [f"  {name:<17} {doc}" for name, doc in describe_sketches().items()]
    lines += ["", "parts:"]
    lines += [f"  {kind:<14} {(cls.__doc__ or '').strip().splitlines()[0]}"
              for kind, cls in PARTS.items()]
    print("\n".join(lines))
    return 0


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def handler(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return stop


def run_arduino(args: argparse.Namespace) -> int:
    """Run one Uno on a pty, TCP, RFC 2217, or stdout."""
    from .transports import PtyPort, Rfc2217Port, TcpPort
    from .world import World

    if (args.pty or args.tcp or args.rfc2217) and args.clock == "virtual":
        raise SimulatorError("--pty, --tcp and --rfc2217 need --clock realtime "
                             "(programs wait in real time)")
    tcp_address = _host_port(args.tcp, "--tcp") if args.tcp else None
    rfc2217_address = _host_port(args.rfc2217, "--rfc2217") if args.rfc2217 else None
    if args.link and not args.pty:
        raise SimulatorError("--link needs --pty")
    params: dict[str, Any] = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep:
            raise SimulatorError(f"--param wants KEY=VALUE, not {item!r}")
        params[key] = value
    if args.interval is not None:
        params["interval"] = args.interval
    if args.no_banner:
        params["banner"] = "0"
    stop = _stop_on_signals()
    world = World(seed=args.seed, clock=args.clock, speed=args.speed)
    servers: list[Any] = []
    try:
        uno = world.add_uno(args.sketch, params=params)
        if args.pty:
            pty = PtyPort(uno, link=args.link).start()
            servers.append(pty)
            print(f"serving {args.sketch} on {args.link or pty.path} (pty {pty.path}); "
                  "Ctrl-C stops", file=sys.stderr, flush=True)
        if tcp_address:
            tcp = TcpPort(uno, *tcp_address).start()
            servers.append(tcp)
            print(f"serving {args.sketch} on {tcp.url}; Ctrl-C stops",
                  file=sys.stderr, flush=True)
        if rfc2217_address:
            rfc = Rfc2217Port(uno, *rfc2217_address).start()
            servers.append(rfc)
            print(f"serving {args.sketch} on {rfc.url} (RFC 2217: opening or DTR resets "
                  "the board); Ctrl-C stops", file=sys.stderr, flush=True)
        if servers:
            _wait(world, stop, args.duration)
        else:
            _print_output(uno, stop, args.duration)
    finally:
        for server in servers:
            server.stop()
        world.close()
    return 0


def _host_port(text: str, option: str) -> tuple[str, int]:
    """``"127.0.0.1:7001"`` -> ``("127.0.0.1", 7001)``; a bare ``":7001"`` means loopback."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise SimulatorError(f"{option} wants HOST:PORT with a port number from 0 to 65535, "
                             f"e.g. 127.0.0.1:7001 (0 picks a free port), not {text!r}")
    return host or "127.0.0.1", int(port)


def _wait(world: Any, stop: threading.Event, duration: float | None) -> None:
    end = None if duration is None else world.clock.now() + duration
    while not stop.is_set():
        if end is not None and world.clock.now() >= end:
            return
        stop.wait(0.1)


def _print_output(uno: Any, stop: threading.Event, duration: float | None) -> None:
    """Be the host: open the port and copy what the board prints to stdout."""
    from .protocol_sim import Serial

    clock = uno.clock
    register = f"cli-{id(uno)}"
    from .world import register_board, unregister_board

    register_board(uno, register)
    port = Serial(None, baudrate=9600, timeout=0.2)
    port.port = f"sim://{register}"
    port.open()
    try:
        end = None if duration is None else clock.now() + duration
        out = sys.stdout.buffer
        while not stop.is_set() and (end is None or clock.now() < end):
            data = port.read(4096 if clock.virtual else max(1, port.in_waiting))
            if data:
                out.write(data)
                out.flush()
    finally:
        port.close()
        unregister_board(uno)


def run_fleet(args: argparse.Namespace) -> int:
    """Run the fleet (imported lazily: it needs httpx and sqlite3)."""
    from .fleet import run_from_args

    return run_from_args(args)


def run_scenarios(args: argparse.Namespace) -> int:
    """Run scenario files (imported lazily: it needs yaml and rich)."""
    from .scenario import run_from_args

    return run_from_args(args)


def run_pi(args: argparse.Namespace) -> int:
    """Print a Pi wiring (imported lazily: it needs gpiozero)."""
    import os

    from .pi import describe_wiring
    from .wiring import load_pi_wiring

    print(describe_wiring(load_pi_wiring(
        args.wiring or os.environ.get("SIM_PI_WIRING") or "course")))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m simulators``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except SimulatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
