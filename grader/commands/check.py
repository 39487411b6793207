"""`grader check`: run the public tests of a starter and say what to work on next."""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.check import print_report, run_check
from grader.commands.base import Command

__all__ = ["CheckCommand"]


class CheckCommand(Command):
    """Run a starter's public tests and guide you through the stages: the stage you are on
    in full, with hints and what your hub answered, then the next test to work on."""

    name = "check"
    help = "run the public tests of your starter: your stage in full, hints, what to do next"
    epilog = """examples:
  cd flask-hub && grader check         in the starter you downloaded
  grader check --stage 3               show stage 3 in full (the tests still all run)
  grader check --all                   show every stage in full
  grader check --path ~/work/flask-hub -k devices

The stage shown in full is the lowest stage with a failing test, and Next is its first
failing test, in the order the lessons teach them. Exit status: 0 when every public test
passes, 1 otherwise (so a CI job or a git hook can use it). Without the grader installed,
`python -m pytest` in the starter runs the same tests and ends with the same guide
(`python -m pytest --stage=3`, `--stage=all`)."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add --path, -k, --stage and --all."""
        parser.add_argument("--path", metavar="DIR", type=Path, default=Path("."),
                            help="the starter to check (default: the current directory)")
        parser.add_argument("-k", metavar="EXPRESSION", dest="keyword", default=None,
                            help="only run tests matching this pytest -k expression")
        shown = parser.add_mutually_exclusive_group()
        shown.add_argument("--stage", metavar="K", type=int, default=None,
                           help="show stage K in full instead of the stage you are on")
        shown.add_argument("--all", action="store_true",
                           help="show every stage in full")

    def run(self, args: argparse.Namespace) -> int:
        """Run the tests, print the guide; 0 if all passed, else 1."""
        extra = ["-k", args.keyword] if args.keyword else []
        with self.console.status("Running the public tests..."):
            report = run_check(args.path, pytest_args=extra)
        print_report(report, self.console, show="all" if args.all else args.stage)
        return 0 if report.all_passed else 1
