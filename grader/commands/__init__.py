"""The `grader` subcommands, one small class per module, listed in the order of the course:
release the work (and its checkpoints), grade it, export the gradebook; `check` is the
student's own."""

from __future__ import annotations

from grader.commands.adjust import AdjustCommand
from grader.commands.base import Command
from grader.commands.check import CheckCommand
from grader.commands.checkpoint import CheckpointCommand
from grader.commands.collect import CollectCommand
from grader.commands.export import ExportCommand
from grader.commands.feedback import FeedbackCommand
from grader.commands.grade import GradeCommand
from grader.commands.merge import MergeCommand
from grader.commands.release import ReleaseCommand
from grader.commands.report import ReportCommand
from grader.commands.workspace import WorkspaceCommand

__all__ = ["COMMANDS", "Command"]

COMMANDS: list[type[Command]] = [
    ReleaseCommand, CheckpointCommand, CollectCommand, GradeCommand, MergeCommand,
    AdjustCommand, ReportCommand,
    FeedbackCommand, ExportCommand, CheckCommand, WorkspaceCommand,
]
