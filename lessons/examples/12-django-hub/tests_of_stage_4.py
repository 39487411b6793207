"""The public tests of stage 4: what each one checks, and its points."""

from django_hub import print_stage

print_stage(4)
