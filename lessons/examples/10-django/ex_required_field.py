"""Exercise: add a required field (no default, no null=True) to a table that has rows."""

import io
import sys

from edited_app import start_with_field

start_with_field("unit = models.CharField(max_length=16)")


class Typed(io.StringIO):
    """Answers typed at the keyboard: each one is printed, as a terminal shows what you type."""

    def readline(self, *args):
        answer = super().readline(*args)
        print(answer, end="")
        return answer


# --8<-- [start:ask]
from django.core.management import call_command

sys.stdin = Typed("2\n")  # the answer you type: 2) Quit
try:
    call_command("makemigrations")  # python manage.py makemigrations
except SystemExit as stop:  # the command stops the program, as in a terminal
    print("makemigrations stopped; exit status", stop.code)
# --8<-- [end:ask]
