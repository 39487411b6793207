"""The `grader` command: release, grade, export and check Blink to Backend assignments.

    python -m grader --help
    grader <command> --help

A mistake a person can fix (a wrong name, a missing directory, unbalanced markers) is
reported in one line and exits 1, without a traceback.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape

from grader.commands import COMMANDS
from grader.errors import GraderError

__all__ = ["build_parser", "main"]

log = logging.getLogger("grader")

EPILOG = """examples:
  grader release                  make the student versions of every assignment
  grader collect flask-hub ~/Downloads/submissions.zip
                                  take an LMS download into ./submitted/
  grader grade flask-hub -j 4     grade ./submitted/*/flask-hub/
  grader report flask-hub         the class report: reports/flask-hub.html
  grader adjust flask-hub ana --points -5 --reason "..."
  grader feedback flask-hub       every feedback page again, and a zip per student
  grader export --format all      grades.csv, Canvas CSV, Gradescope results.json
  grader check                    (students) run the public tests of your starter"""


def build_parser(console: Console) -> tuple[argparse.ArgumentParser, dict[str, object]]:
    """Build the argument parser and the command objects by name."""
    parser = argparse.ArgumentParser(
        prog="grader", description="Release, grade and export Blink to Backend assignments.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log more, and show tracebacks of unexpected errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands = {}
    for command_class in COMMANDS:
        command = command_class(console)
        sub = subparsers.add_parser(
            command.name, help=command.help, description=command_class.__doc__,
            epilog=command.epilog, formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_arguments(sub)
        commands[command.name] = command
    return parser, commands


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    console = Console(stderr=False)
    parser, commands = build_parser(console)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(message)s",
        handlers=[RichHandler(console=Console(stderr=True), show_path=False)],
    )
    stop_on_signals()
    try:
        return commands[args.command].run(args)
    except GraderError as exc:
        log.debug("grader %s failed", args.command, exc_info=True)
        Console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        return 1
    except KeyboardInterrupt:
        Console(stderr=True).print("[yellow]interrupted[/]")
        return 130


def stop_on_signals() -> None:
    """SIGTERM and SIGHUP (a closed terminal) stop the grader like Ctrl-C: running jobs are
    stopped and the temporary directories, with the hidden tests' copy, are removed."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupt)


if __name__ == "__main__":
    sys.exit(main())
