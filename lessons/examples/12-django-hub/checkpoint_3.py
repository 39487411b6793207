"""The checkpoint of stage 3: `grader check` in the starter solved through stage 3."""

from django_hub import grader_check, stage_table, starter_at

with starter_at(3) as folder:
    print(stage_table(grader_check(folder)))
