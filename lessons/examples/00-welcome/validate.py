"""What Validate says: a small notebook checked twice, with a wrong answer and a right one.

The Validate button in a notebook's toolbar saves the notebook, runs it from top to bottom
in a fresh kernel, and reports the test cells that failed. `nbgrader validate NOTEBOOK`
runs the same check in a terminal and prints the same report; this example runs it.

The notebook has one exercise, `to_fahrenheit(celsius)`, and the test cell under it, with
nbgrader's metadata like the course's notebooks. It is written into a temporary folder.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

TEST = '''\
"""Check to_fahrenheit(): 100 °C is 212 °F."""
result = to_fahrenheit(100)
assert result == 212, f"to_fahrenheit(100) should be 212, not {result}"'''


def answer_cell(body: str) -> str:
    """The exercise cell: a function whose body is the student's answer."""
    return ('def to_fahrenheit(celsius):\n'
            '    """Return the temperature `celsius` in degrees Fahrenheit."""\n'
            f'    {body}')


def nbgrader_metadata(grade_id: str, *, solution: bool = False, points: int = 0) -> dict:
    """The metadata nbgrader reads: an answer cell, or a test cell worth `points`."""
    cell = {"grade_id": grade_id, "schema_version": 3, "solution": solution,
            "grade": points > 0, "locked": not solution, "task": False}
    if points:
        cell["points"] = points
    return {"nbgrader": cell}


def write_notebook(path: Path, answer: str) -> None:
    """Write the one-exercise notebook with `answer` as the function's body."""
    notebook = new_notebook(cells=[
        new_code_cell(answer_cell(answer), metadata=nbgrader_metadata("answer", solution=True)),
        new_code_cell(TEST, metadata=nbgrader_metadata("test_answer", points=1)),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, path)


def validate(path: Path) -> str:
    """Run `nbgrader validate` on the notebook; return its report (its log lines aside)."""
    result = subprocess.run([sys.executable, "-m", "nbgrader", "validate", path.name],
                            cwd=path.parent, capture_output=True, text=True, timeout=100)
    return result.stdout.rstrip()


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        notebook = Path(scratch) / "fahrenheit.ipynb"
        for number, answer in enumerate(["return celsius * 9 / 5", "return celsius * 9 / 5 + 32"]):
            write_notebook(notebook, answer)
            if number:
                print()
            print(f"--- the answer: {answer}")
            print(validate(notebook))


if __name__ == "__main__":
    main()
