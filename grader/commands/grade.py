"""`grader grade`: grade every submission of one assignment."""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.commands.base import Command, add_course_option, course_of
from grader.shard import parse_shard

__all__ = ["GradeCommand"]


class GradeCommand(Command):
    """Grade the submissions of an assignment in parallel, resuming where it stopped."""

    name = "grade"
    help = "grade the submissions of an assignment (submitted/<student>/<assignment>/)"
    epilog = """examples:
  grader grade flask-hub                       grade what is in ./submitted/
  grader grade flask-hub --course-dir ~/course -j 4
  grader grade demo --force                    grade again, even submissions already graded
  grader grade flask-hub --shard 2/4           grade one quarter of the class (then: grader merge)

Results go to autograded/<student>/<assignment>/results.json and a feedback page to
feedback/<student>/<assignment>/index.html. A submission already graded (same files,
same tests) is skipped unless --force.

Project submissions run in a sandbox (bubblewrap, namespaces, their own uid). Where it
cannot run, grade refuses and says why; --unsafe-no-sandbox (or GRADER_SANDBOX=none)
grades anyway with resource limits only, and each result records "sandbox": "none".

--shard I/N grades shard I of N: the students whose id hashes to I, the same on every
machine, so N runs (a Slurm array, a Kubernetes indexed Job) share a class without
grading anyone twice. Several shards of a project may write into one course directory
(every result is its own file, written atomically); give each shard of a notebook
assignment its own course directory (nbgrader's gradebook.db is one SQLite file), and
put them together with `grader merge`."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the assignment, --course-dir, -j, --force, --student and --shard."""
        parser.add_argument("assignment", metavar="ASSIGNMENT",
                            help="the assignment to grade, as named in course.toml")
        parser.add_argument(
            "--course-dir", metavar="DIR", type=Path, default=Path("."),
            help="the course directory holding submitted/ (default: the current directory)",
        )
        parser.add_argument("-j", "--jobs", metavar="N", type=_positive, default=None,
                            help="grade N submissions at once (default: one per CPU)")
        parser.add_argument("--force", action="store_true",
                            help="grade again submissions that already have results")
        parser.add_argument("--student", metavar="ID", action="append", default=None,
                            help="grade only this student (repeat for more)")
        parser.add_argument("--shard", metavar="I/N", default=None,
                            help="grade only shard I of N (1 <= I <= N), a slice of the "
                            "students fixed by a hash of their id; see `grader merge`")
        parser.add_argument(
            "--unsafe-no-sandbox", action="store_true", default=None,
            help="where the sandbox cannot run, grade anyway with resource limits only: "
            "student code runs as your user, can reach the network and read the hidden "
            "tests (the same as GRADER_SANDBOX=none)")
        add_course_option(parser)

    def run(self, args: argparse.Namespace) -> int:
        """Grade through grader.batch and print a one-line summary."""
        shard = parse_shard(args.shard) if args.shard is not None else None
        course = course_of(args)
        if shard and not course.get(args.assignment).is_project:
            self.console.print(
                "[yellow]note:[/] shards of a notebook assignment write nbgrader's "
                "gradebook.db: give each shard its own --course-dir (a copy of submitted/), "
                "then grader merge them")
        from grader.batch import grade  # imported late: the sandbox is heavy to load

        results = grade(course, args.assignment, course_dir=args.course_dir.resolve(),
                        jobs=args.jobs, force=args.force, students=args.student,
                        unsafe_no_sandbox=args.unsafe_no_sandbox, shard=shard)
        errors = sum(1 for r in results if r.get("status") == "error")
        attention = sum(1 for r in results if r.get("status") == "needs attention")
        self.console.print(
            f"Graded {len(results)} submission(s) of {args.assignment}"
            + (f" (shard {shard[0]}/{shard[1]})" if shard else "")
            + (f"; [red]{errors} could not be graded[/] (see their feedback)" if errors else "")
            + (f"; [yellow]{attention} need(s) attention[/] (grader report {args.assignment} "
               "lists them)" if attention else "") + "."
        )
        return 0


def _positive(text: str) -> int:
    """argparse type: an integer >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value
