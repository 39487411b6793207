"""Exercise: a test of commands that belongs to stage 2, run on the checkpoint of stage 1."""

from django_hub import grader_check, starter_at

with starter_at(1) as folder:
    print(grader_check(folder, "-k", "test_poll_with_another_devices_key_is_403"), end="")
