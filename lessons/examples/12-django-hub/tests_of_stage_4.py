"""The public tests of stage 4: what each one checks, and its points."""

from contract_tests import print_stage

print_stage(4)
