"""The shape every `grader` subcommand shares."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from grader.course import Course, load_course

__all__ = ["Command", "add_course_option"]


class Command:
    """A subcommand: subclasses set `name`, `help` and `epilog`, and override
    `add_arguments` and `run`."""

    name = ""
    help = ""
    epilog = ""

    def __init__(self, console: Console) -> None:
        self.console = console

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add this command's options to `parser`."""

    def run(self, args: argparse.Namespace) -> int:
        """Do the work; return the exit status. Raise GraderError for a user's mistake."""
        raise NotImplementedError


def add_course_option(parser: argparse.ArgumentParser) -> None:
    """Add --course (where course.toml is)."""
    parser.add_argument(
        "--course", metavar="DIR", type=Path, default=None,
        help="the course repository, where course.toml is (default: the nearest one above "
        "the current directory, else the repository this grader was installed from)",
    )


def course_of(args: argparse.Namespace) -> Course:
    """Load the course named by --course."""
    return load_course(args.course)
