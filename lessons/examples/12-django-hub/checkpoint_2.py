"""The checkpoint of stage 2: `grader check` in the starter solved through stage 2."""

from django_hub import grader_check, stage_table, starter_at

with starter_at(2) as folder:
    print(stage_table(grader_check(folder)))
