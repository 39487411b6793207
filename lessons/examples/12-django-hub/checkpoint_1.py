"""The checkpoint of stage 1: `grader check` in the starter solved through stage 1."""

from django_hub import grader_check, stage_table, starter_at

with starter_at(1) as folder:
    print(stage_table(grader_check(folder)))
