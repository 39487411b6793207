"""The `grader` subcommands, one small class per module, listed in the order of the course:
release the work (and its checkpoints), grade it, export the gradebook; `check` is the
student's own."""

from __future__ import annotations

from grader.commands.base import Command
from grader.commands.check import CheckCommand
from grader.commands.checkpoint import CheckpointCommand
from grader.commands.export import ExportCommand
from grader.commands.grade import GradeCommand
from grader.commands.release import ReleaseCommand
from grader.commands.workspace import WorkspaceCommand

__all__ = ["COMMANDS", "Command"]

COMMANDS: list[type[Command]] = [
    ReleaseCommand, CheckpointCommand, GradeCommand, ExportCommand, CheckCommand,
    WorkspaceCommand,
]
