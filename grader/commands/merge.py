"""`grader merge`: put the results of `grader grade --shard I/N` runs into one course dir."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.markup import escape

from grader.commands.base import Command
from grader.merge import merge, merge_table

__all__ = ["MergeCommand"]


class MergeCommand(Command):
    """Copy the results and feedback pages of shards into the course directory."""

    name = "merge"
    help = "copy the results of `grader grade --shard` runs into one course directory"
    epilog = """examples:
  grader merge shard-1 shard-2 shard-3 shard-4           into the current directory
  grader merge /scratch/grading/shard-* --course-dir ~/course --assignment flask-hub

Each SHARD_DIR is the --course-dir one `grader grade ASSIGNMENT --shard I/N` wrote into.
Its autograded/<student>/<assignment>/ and feedback/<student>/<assignment>/ folders
replace those in the course directory (an adjustments.json there is kept). Nothing is
copied when a student's result differs between two shards, or when the shards were
graded with other tests (suite version) than results already in the course directory;
--force merges those anyway. Then `grader export` as usual."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the shard directories, --course-dir, --assignment and --force."""
        parser.add_argument("shards", metavar="SHARD_DIR", nargs="+", type=Path,
                            help="a course directory a `grader grade --shard` run wrote into")
        parser.add_argument(
            "--course-dir", metavar="DIR", type=Path, default=Path("."),
            help="the course directory to merge into (default: the current directory)",
        )
        parser.add_argument("--assignment", metavar="A", default=None,
                            help="merge only this assignment (default: every one found)")
        parser.add_argument("--force", action="store_true",
                            help="merge results graded with a different suite version than "
                            "those already in the course directory")

    def run(self, args: argparse.Namespace) -> int:
        """Merge, print a table per shard and the totals, and any warning."""
        report = merge(args.course_dir, args.shards, assignment=args.assignment,
                       force=args.force)
        self.console.print(merge_table(report))
        for warning in report.warnings:
            self.console.print(f"[bold yellow]warning:[/] {escape(warning)}")
        assignments = sorted({item.assignment for item in report.merged})
        self.console.print(
            f"Merged {len(report.merged)} result(s) of {', '.join(assignments) or 'nothing'} "
            f"into {escape(str(report.course_dir))} ({report.replaced} replacing a result "
            "already there" + (f"; {report.duplicates} found in two shards, kept once"
                               if report.duplicates else "") + ").")
        return 0
