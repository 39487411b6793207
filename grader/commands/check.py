"""`grader check`: run the public tests of a starter and say what to work on next."""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.check import print_report, run_check
from grader.commands.base import Command

__all__ = ["CheckCommand"]


class CheckCommand(Command):
    """Run a starter's public tests, print points per test, hints, and what to do next."""

    name = "check"
    help = "run the public tests of your starter and show points, hints and what to do next"
    epilog = """examples:
  cd flask-hub && grader check         in the starter you downloaded
  grader check --path ~/work/flask-hub -k devices

Exit status: 0 when every public test passes, 1 otherwise (so a CI job or a git hook can use
it). Without the grader installed, `python -m pytest` in the starter runs the same tests."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add --path and -k."""
        parser.add_argument("--path", metavar="DIR", type=Path, default=Path("."),
                            help="the starter to check (default: the current directory)")
        parser.add_argument("-k", metavar="EXPRESSION", dest="keyword", default=None,
                            help="only run tests matching this pytest -k expression")

    def run(self, args: argparse.Namespace) -> int:
        """Run the tests, print the report; 0 if all passed, else 1."""
        extra = ["-k", args.keyword] if args.keyword else []
        with self.console.status("Running the public tests..."):
            report = run_check(args.path, pytest_args=extra)
        print_report(report, self.console)
        return 0 if report.all_passed else 1
