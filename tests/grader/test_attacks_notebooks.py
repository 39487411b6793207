"""Notebook submissions that attack the grader, graded in one batch at -j 2.

Each attack is a submission of the demo notebook (squares(n); a public test cell worth 2
and a cell with hidden tests worth 1). Each test asserts the attack's effect did not
happen: the score is the honest one, files outside the job's sandbox were neither read
nor written, nothing the notebook started is still running, nothing is left in /tmp.
The last tests need no sandbox: they send the grader the answers a runner subverted by
the student's code could send back.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader import sandbox
from grader.batch import grade
from grader.course import Course, load_course
from grader.feedback import feedback_path
from grader.nbsandbox import Execution, _events, _parse_answer, merge_outputs
from grader.results import atomic_write_json, results_path
from grader.sandbox import detect_sandbox

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]
MARKER = f"blink-attack-{uuid.uuid4().hex[:12]}"
RIGHT = "return [i * i for i in range(n)]"
WRONG = "return [0, 1, 4][:n]"  # passes the public test only: the honest score is 2

pytestmark = [
    # nbgrader 0.9's gradebook adds submissions in a way SQLAlchemy 2 warns about.
    pytest.mark.filterwarnings("ignore:Object of type <Submitted:sqlalchemy.exc.SAWarning"),
]


class Listener:
    """A TCP server on the host's loopback and a unix socket at a host path, counting
    every connection a sandboxed notebook manages to make."""

    def __init__(self, directory: Path) -> None:
        self.tcp = socket.create_server(("127.0.0.1", 0))
        self.port = self.tcp.getsockname()[1]
        self.path = directory / "host.sock"
        self.unix = socket.socket(socket.AF_UNIX)
        self.unix.bind(str(self.path))
        self.path.chmod(0o777)
        self.connections = 0
        for server in (self.tcp, self.unix):
            server.listen()
            threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        for server in (self.tcp, self.unix):
            try:
                server.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
            except OSError:
                pass
            server.close()


def solution(body: str) -> str:
    """The solution cell's source: squares() (right only without `body`), then `body`."""
    return f"def squares(n):\n    {RIGHT if body == '' else WRONG}\n\n{body}\n"


def attacks(course: Course, course_dir: Path, listener: Listener) -> dict[str, Any]:
    """student -> the solution cell's source, or a function changing the notebook."""
    other = course_dir / "submitted" / "bystander" / "demo" / "demo.ipynb"
    secrets_ = [course.root / "notebooks" / "demo" / "demo.ipynb",
                course_dir / "gradebook.db", other,
                course_dir / "autograded" / "bystander" / "demo" / "results.json",
                course_dir, REPO / "course.toml", Path(__file__)]
    cheat_if = "def squares(n):\n    return [i * i for i in range(n)]\n"
    return {
        # the honest reference and the bystander whose files others go after
        "honest": solution(""),
        "bystander": solution(""),
        # nbgrader #1324: failing tests would show no traceback, and look passed
        "showtraceback": solution(
            "get_ipython().showtraceback = lambda *a, **k: None\n"
            "get_ipython().showsyntaxerror = lambda *a, **k: None"),
        "sys_exit": solution("import sys\nsys.exit(0)"),
        "os_exit": solution("import os\nos._exit(0)"),
        "os_exit_in_test": (
            "import os\n\ndef squares(n):\n    os._exit(0)\n"),
        "deleted_tests": lambda nb: _drop_cells(nb, {"test_squares_hidden"}),
        "edited_tests": lambda nb: _edit_cells(nb, {"test_squares_hidden": "pass"}),
        "reads_files": (
            f"found = []\nfor path in {[str(p) for p in secrets_]!r}:\n"
            "    try:\n        open(path, 'rb').read(10)\n        found.append(path)\n"
            "    except IsADirectoryError:\n        found.append(path)\n"
            "    except OSError:\n        pass\n"
            f"print('readable:', found)\nif found:\n    exec({cheat_if!r})\n"
            "else:\n    def squares(n):\n        return []\n"),
        "writes_files": (
            f"import json, os\nfor path in [{str(other)!r}, "
            f"{str(course_dir / 'autograded' / 'bystander' / 'demo' / 'results.json')!r}]:\n"
            "    try:\n        os.makedirs(os.path.dirname(path), exist_ok=True)\n"
            "        open(path, 'w').write(json.dumps({'score': 325}))\n"
            "    except OSError as exc:\n        print('refused:', exc)\n"
            f"open('/tmp/{MARKER}', 'w').write('left behind')\n"
            f"open('/dev/shm/{MARKER}', 'w').write('left behind')\n"
            "def squares(n):\n    return []\n"),
        "network": (
            "import socket\nreached = []\n"
            f"for family, address in [(socket.AF_INET, ('127.0.0.1', {listener.port})), "
            f"(socket.AF_UNIX, {str(listener.path)!r}), (socket.AF_INET, ('1.1.1.1', 80))]:\n"
            "    s = socket.socket(family)\n    s.settimeout(2)\n"
            "    try:\n        s.connect(address)\n        reached.append(address)\n"
            "    except OSError as exc:\n        print('unreachable:', address, exc)\n"
            f"if reached:\n    exec({cheat_if!r})\nelse:\n"
            "    def squares(n):\n        return []\n"),
        "loop": solution("while True:\n    pass"),
        "loop_in_test": "def squares(n):\n    while True:\n        pass\n",
        "loop_ignoring_interrupt": solution(
            "import signal\nsignal.signal(signal.SIGINT, lambda *a: None)\n"
            "while True:\n    pass"),
        "daemon": solution(
            "import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', "
            f"'import time; time.sleep(600)  # {MARKER}'], start_new_session=True)"),
        "kills_runner": solution("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"),
        "flood": solution("print('x' * (40 << 20))"),
        "memory": solution("hoard = bytearray(8 << 30)"),
        "linked_notebook": lambda nb: None,  # replaced by a link to the source, below
    }


def _drop_cells(nb: dict[str, Any], grade_ids: set[str]) -> None:
    nb["cells"] = [c for c in nb["cells"] if _grade_id(c) not in grade_ids]


def _edit_cells(nb: dict[str, Any], sources: dict[str, str]) -> None:
    for cell in nb["cells"]:
        if _grade_id(cell) in sources:
            cell["source"] = sources[_grade_id(cell)]
            cell["metadata"]["nbgrader"]["points"] = 100


def _grade_id(cell: dict[str, Any]) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def submit(course: Course, course_dir: Path, student: str, attack: Any) -> None:
    """Submit the demo notebook as `student`: the solution cell replaced, or changed."""
    target = course_dir / "submitted" / student / "demo"
    shutil.copytree(course.get("demo").source, target)
    path = target / "demo.ipynb"
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if _grade_id(cell) == "squares":
            cell["source"] = attack if isinstance(attack, str) else solution("pass")
    if not isinstance(attack, str):
        attack(nb)
    path.write_text(json.dumps(nb))


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Every attack graded in one batch at -j 2; what the tests look at."""
    if not detect_sandbox().isolated:
        pytest.skip("the notebook sandbox needs root and a working bubblewrap")
    base = tmp_path_factory.mktemp("nb-attacks")
    shutil.copytree(FIXTURES / "notebook-demo", base / "course")
    config = base / "course" / "nbgrader_config.py"
    config.write_text(config.read_text() + "c.Execute.timeout = 3\n")
    course, course_dir = load_course(base / "course"), base / "course"
    listener = Listener(Path(tmp_path_factory.mktemp("host")).resolve())
    listener.path.parent.chmod(0o755)
    for student, attack in attacks(course, course_dir, listener).items():
        submit(course, course_dir, student, attack)
    linked = course_dir / "submitted" / "linked_notebook" / "demo" / "demo.ipynb"
    linked.unlink()
    linked.symlink_to(course.root / "notebooks" / "demo" / "demo.ipynb")
    # The bystander is another student, already graded: the others go after its files.
    bystander = results_path(course_dir, "bystander", "demo")
    atomic_write_json(bystander, {"student": "bystander", "assignment": "demo", "score": 1.0})
    before = {"results": bystander.read_bytes(),
              "notebook": (course_dir / "submitted" / "bystander" / "demo" / "demo.ipynb")
              .read_bytes()}
    workspaces: list[Path] = []
    create = sandbox.Workspace.create.__func__  # type: ignore[attr-defined]

    def recording(cls: type, *args: Any, **kwargs: Any) -> Any:
        workspace = create(cls, *args, **kwargs)
        workspaces.append(workspace.root)
        return workspace

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sandbox.Workspace, "create", classmethod(recording))
        attackers = [name for name in attacks(course, course_dir, listener)
                     if name != "bystander"]
        results = {r["student"]: r for r in grade(course, "demo", course_dir=course_dir,
                                                   students=attackers, jobs=2)}
    listener.close()
    yield {"results": results, "course_dir": course_dir, "listener": listener,
           "before": before, "workspaces": workspaces, "bystander": bystander}


def outputs(graded: dict[str, Any], student: str) -> str:
    """Everything the student's notebook printed, from its autograded copy."""
    path = graded["course_dir"] / "autograded" / student / "demo" / "demo.ipynb"
    nb = json.loads(path.read_text())
    return "\n".join(json.dumps(c.get("outputs", [])) for c in nb["cells"])


def score(graded: dict[str, Any], student: str) -> tuple[float, str]:
    result = graded["results"][student]
    return result["score"], result["status"]


class TestOneBatchOfAttacks:
    """The attacks of `attacks()`, graded together at -j 2 (the `graded` fixture)."""

    pytestmark = [pytest.mark.slow]

    def test_the_honest_notebook_gets_full_marks(self, graded: dict[str, Any]) -> None:
        assert score(graded, "honest") == (3.0, "graded")
        assert graded["results"]["honest"]["sandbox"] == "bubblewrap"

    def test_hiding_tracebacks_does_not_pass_failing_tests(self, graded: dict[str, Any]) -> None:
        """nbgrader #1324: with showtraceback replaced, a failing test still fails."""
        assert score(graded, "showtraceback") == (2.0, "graded")

    @pytest.mark.parametrize("student", ["sys_exit", "os_exit", "os_exit_in_test"])
    def test_exiting_the_kernel_fails_the_cells_it_did_not_run(
            self, graded: dict[str, Any], student: str) -> None:
        """sys.exit() is an error in its cell; os._exit() kills the kernel and every cell after
        it counts as failed; the notebook is still graded."""
        expected = {"sys_exit": 2.0, "os_exit": 0.0, "os_exit_in_test": 0.0}[student]
        assert score(graded, student) == (expected, "graded")
        if student != "sys_exit":
            assert any("kernel died" in line for line in graded["results"][student]["feedback"])

    @pytest.mark.parametrize("student", ["deleted_tests", "edited_tests"])
    def test_test_cells_come_back_from_the_source(self, graded: dict[str, Any],
                                                  student: str) -> None:
        """The hidden test cell, deleted, or replaced by `pass` worth 100 points, is the
        source's again, and fails the wrong answer."""
        result = graded["results"][student]
        assert score(graded, student) == (2.0, "graded") and result["max_score"] == 3.0
        passed = {t["name"]: t["passed"] for t in result["tests"]}
        assert passed == {"demo.ipynb::test_squares": True,
                          "demo.ipynb::test_squares_hidden": False}

    def test_a_notebook_cannot_read_files_outside_its_box(self, graded: dict[str, Any]) -> None:
        """The source notebook, the gradebook, another student's files, /root, the tests:
        none is in the view (the notebook would have cheated with any of them)."""
        assert score(graded, "reads_files") == (0.0, "graded")
        assert "readable: []" in outputs(graded, "reads_files")

    def test_a_notebook_cannot_write_outside_its_box(self, graded: dict[str, Any]) -> None:
        before = graded["before"]
        assert score(graded, "writes_files") == (0.0, "graded")
        assert graded["bystander"].read_bytes() == before["results"]
        bystander = graded["course_dir"] / "submitted" / "bystander" / "demo" / "demo.ipynb"
        assert bystander.read_bytes() == before["notebook"]
        assert not Path(f"/tmp/{MARKER}").exists() and not Path(f"/dev/shm/{MARKER}").exists()

    def test_a_notebook_has_no_network(self, graded: dict[str, Any]) -> None:
        """Neither the host's loopback nor a host unix socket nor the internet."""
        assert score(graded, "network") == (0.0, "graded")
        assert graded["listener"].connections == 0
        assert outputs(graded, "network").count("unreachable:") == 3

    @pytest.mark.parametrize("student", ["loop", "loop_in_test", "loop_ignoring_interrupt"])
    def test_an_endless_loop_is_cut_and_graded(self, graded: dict[str, Any], student: str) -> None:
        """The cell time limit interrupts the loop; one that ignores the interrupt stops the
        notebook there. Graded, not hung."""
        expected = {"loop": 2.0, "loop_in_test": 0.0, "loop_ignoring_interrupt": 0.0}[student]
        assert score(graded, student) == (expected, "graded")
        assert any("ran out of time" in line for line in graded["results"][student]["feedback"])

    def test_nothing_a_notebook_started_is_left_running(self, graded: dict[str, Any]) -> None:
        assert score(graded, "daemon") == (2.0, "graded")
        assert not [pid for pid in _pids() if MARKER in _cmdline(pid)]
        roots = [str(root) for root in graded["workspaces"]]
        assert roots and not [pid for pid in _pids() if any(r in _cmdline(pid) for r in roots)]

    @pytest.mark.parametrize("student", ["flood", "memory"])
    def test_floods_and_memory_hogs_are_graded(self, graded: dict[str, Any], student: str) -> None:
        """40 MB of output is cut to 1 MiB in the notebook, 8 GiB of memory is a MemoryError:
        the honest score either way."""
        assert score(graded, student) == (2.0, "graded")
        printed = outputs(graded, student)
        assert len(printed) < 4 << 20
        assert ("cut by the grader" if student == "flood" else "MemoryError") in printed

    def test_killing_the_runner_earns_nothing(self, graded: dict[str, Any]) -> None:
        """The answer's pipe is out of the kernel's reach: killing the runner fails every cell."""
        assert score(graded, "kills_runner") == (0.0, "graded")

    def test_a_link_to_the_source_notebook_is_not_followed(self, graded: dict[str, Any]) -> None:
        """demo.ipynb as a symbolic link to the solutions is left out: nothing to grade."""
        result = graded["results"]["linked_notebook"]
        assert (result["score"], result["max_score"], result["status"]) == (0.0, 3.0, "graded")
        assert any("symbolic link" in line for line in result["feedback"])

    def test_the_batch_leaves_no_residue(self, graded: dict[str, Any]) -> None:
        assert graded["workspaces"] and not any(root.exists() for root in graded["workspaces"])
        page = feedback_path(graded["course_dir"], "honest", "demo").parent / "demo.html"
        assert "squares(5)" not in page.read_text()  # the hidden test's source


def _pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


# The answer channel: what a runner subverted by the student's code could send back.


def trusted_notebook() -> Any:
    """The demo notebook as the grader holds it before execution (sources, metadata)."""
    import nbformat

    return nbformat.read(FIXTURES / "notebook-demo" / "notebooks" / "demo" / "demo.ipynb",
                         as_version=4)


def forged(nb: Any, **changes: Any) -> Execution:
    """An answer claiming every cell ran with no error, then `changes` to it."""
    cells = json.loads(json.dumps(nb.cells))
    for cell in cells:
        if cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "ok\n"}]
    answer = {"notebook": {"cells": cells}, "executed": list(range(len(cells))),
              "events": [], "stopped": None, "kernel_ready": True, **changes}
    return Execution(answer=answer)


def test_only_outputs_come_back_from_the_sandbox() -> None:
    """Sources, grade ids and points in the answer are ignored: the trusted ones stay."""
    nb = trusted_notebook()
    before = [(c.source, json.dumps(c.metadata, sort_keys=True)) for c in nb.cells]
    execution = forged(nb)
    for cell in execution.answer["notebook"]["cells"]:
        cell["source"] = "pass"
        cell["metadata"] = {"nbgrader": {"grade": False, "points": 100}}
    assert merge_outputs(nb, execution) == []
    assert [(c.source, json.dumps(c.metadata, sort_keys=True)) for c in nb.cells] == before
    assert all(c.outputs[0].text == "ok\n" for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("changes", [
    {"executed": []},  # claims nothing ran to the end
    {"executed": "all"},
    {"notebook": {"cells": []}},  # other cells than the notebook's
    {"notebook": None, "stopped": ["died"]},  # unhashable junk where a word belongs
], ids=["nothing-executed", "executed-not-a-list", "no-cells", "no-notebook"])
def test_a_cell_not_reported_run_fails(changes: dict[str, Any]) -> None:
    nb = trusted_notebook()
    not_run = merge_outputs(nb, forged(nb, **changes))
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    assert not_run == code
    assert all(nb.cells[i].outputs[0].output_type == "error" for i in code)


def test_invalid_outputs_fail_their_cell() -> None:
    """An output that is not valid nbformat (here an error with no name) is not taken."""
    nb = trusted_notebook()
    execution = forged(nb)
    cells = execution.answer["notebook"]["cells"]
    last = max(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    cells[last]["outputs"] = [{"output_type": "error"}]
    assert merge_outputs(nb, execution) == [last]
    assert nb.cells[last].outputs[0].ename == "NotRun"


@pytest.mark.parametrize("data", [b"", b"{", b"[" * 200_000, b"[1, 2]"],
                         ids=["empty", "cut-short", "nested-deep", "not-an-object"])
def test_an_unreadable_answer_is_a_problem_not_a_crash(data: bytes) -> None:
    answer, problem = _parse_answer(data)
    assert answer is None and problem


def test_junk_events_are_dropped() -> None:
    """Events name a cell by number and a kind by word; anything else never reaches the
    feedback (an unhashable cell number would crash the job's notes)."""
    junk = [{"cell": [1], "kind": "died"}, "x", {"cell": 2, "kind": 5},
            {"cell": True, "kind": "died"}, {"cell": 3, "kind": "died"}]
    assert _events(junk) == [{"cell": 3, "kind": "died"}]
    assert _events({"cell": 1}) == []
