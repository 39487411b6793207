"""`grader checkpoint`: a starter solved through one stage, to compare with."""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.commands.base import Command, add_course_option, course_of
from grader.release import checkpoint

__all__ = ["CheckpointCommand"]


class CheckpointCommand(Command):
    """Write a project's starter with the solutions of stages 1..K kept and the rest stubbed."""

    name = "checkpoint"
    help = "write a starter solved through stage K (0 = the release) to compare with"
    epilog = """examples:
  grader checkpoint flask-hub 2 --out /tmp/flask-hub-stage-2
  grader checkpoint django-hub 0 --out release-check     the same as the release

A student who is lost at stage K+1 can compare their code with checkpoint K: everything up
to stage K written, the rest still `raise NotImplementedError`. CI proves that checkpoint K
passes every test of stages 1..K and none of stage K+1 (tests/test_checkpoints.py)."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the assignment, the stage and --out."""
        parser.add_argument("assignment", metavar="ASSIGNMENT", help="a project in course.toml")
        parser.add_argument("stage", metavar="K", type=int,
                            help="keep the solutions of stages 1..K (0: none, as released)")
        parser.add_argument("--out", metavar="DIR", type=Path, required=True,
                            help="a new or empty directory to write the starter into")
        add_course_option(parser)

    def run(self, args: argparse.Namespace) -> int:
        """Write the checkpoint and say where it is."""
        assignment = course_of(args).get(args.assignment)
        result = checkpoint(assignment, args.stage, out=args.out)
        stripped = len(result.stripped)
        self.console.print(
            f"Checkpoint {args.stage} of {assignment.name} in {result.directory}: "
            f"{len(result.files)} files, stubs left in {stripped} of them."
        )
        return 0
