"""Exercise: what `grader check` says about a test of broken JSON, in the starter as you get it."""

from django_hub import grader_check, starter_at

with starter_at(0) as folder:
    print(grader_check(folder, "-k", "test_malformed_json_is_400 and cut"), end="")
