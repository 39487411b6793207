"""`grader check` in the starter as you get it: the stages, and the next test to work on."""

from django_hub import grader_check, starter_at

with starter_at(0) as folder:
    guide = grader_check(folder)

lines = guide.splitlines()
print("\n".join(lines[: lines.index("")]))  # the table of stages, at the top
print("...")  # (here: the stage you are on, test by test)
total = next(n for n, line in enumerate(lines) if line.startswith("Total:"))
print("\n".join(lines[total:]))  # the end: your total, and what to do next
