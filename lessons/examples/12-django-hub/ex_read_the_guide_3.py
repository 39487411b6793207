"""Exercise: a test of posting that belongs to stage 3, run on the checkpoint of stage 2."""

from django_hub import grader_check, starter_at

with starter_at(2) as folder:
    print(grader_check(folder, "-k", "test_replayed_seq_answers_200_and_is_stored_once"), end="")
