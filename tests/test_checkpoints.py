"""Every checkpoint of both projects passes exactly the stages it has written.

For each project and each K: at checkpoint K (the starter with the solutions of stages 1..K,
`grader checkpoint`) every public and hidden contract test of stages <= K passes, and at
checkpoint K-1 every test of stage K fails. `python tests/checkpoint_matrix.py flask-hub`
prints the same matrix by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from checkpoint_matrix import run_matrix


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ["flask-hub", "django-hub"])
def test_checkpoint_k_passes_exactly_the_stages_up_to_k(assignment: str, tmp_path: Path) -> None:
    matrix = run_matrix(assignment, tmp_path)
    print(f"\n{assignment}: passing tests per stage at each checkpoint\n{matrix.table()}")
    problems = matrix.violations()
    assert not problems, f"{len(problems)} violation(s):\n" + "\n".join(problems[:40])
    assert sorted(matrix.runs) == list(range(matrix.stages + 1))
    assert all(record["stage"] for run in matrix.runs.values() for record in run.values())
