"""The checkpoint of stage 4: `grader check` in the starter solved through stage 4."""

from django_hub import grader_check, stage_table, starter_at

with starter_at(4) as folder:
    print(stage_table(grader_check(folder)))
