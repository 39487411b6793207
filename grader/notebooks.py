"""Grade notebook submissions: nbgrader's autograde, with the student's code in a sandbox.

nbgrader alone runs a notebook's code as the grader's user, with the gradebook, the source
notebooks (hidden tests) and the network in reach. Here each submission is one job, and
only the execution of its notebooks happens in the sandbox (`grader.nbsandbox`):

1. intake: the submission is checked against the course's limits (``[grading.intake]``)
   and copied into the batch's root-only private directory without special files, hard
   links out or symbolic links (nbgrader copies a submission's files by following links,
   as root: a link to the gradebook would hand it over). nbgrader reads that copy;
2. nbgrader's ``Autograde`` converter, the same preprocessors in the same order as nbgrader
   0.9, with one step swapped: ``Execute`` becomes `SandboxedExecute`. Before it, trusted:
   ``ClearOutput``, ``DeduplicateIds``, ``OverwriteKernelspec``, ``OverwriteCells`` (the
   source's test cells and hidden tests back in, edited cells restored),
   ``CheckCellMetadata``. `SandboxedExecute` runs the notebook in the job's own view as its
   own uid and takes back only the outputs. After it, trusted: ``IgnorePattern``,
   ``ClearMetadataPreprocessor``, ``LimitOutput``, ``SaveAutoGrades`` (the gradebook),
   ``AssignLatePenalties``, ``CheckCellMetadata``;
3. nbgrader's ``GenerateFeedback``, with the hidden tests and their outputs taken out of the
   page (`HideHiddenTests`) and the students' HTML sanitized;
4. results.json, one test per graded cell, from the gradebook.

nbgrader's gradebook (SQLite) and converters are not made for threads: the steps that use
them run one job at a time, under a lock, and only the sandboxed execution (the seconds a
kernel takes) runs in parallel (``-j``). No process-wide state is touched (nbgrader's
converter changes the working directory and the environment; ours do not).
"""

from __future__ import annotations

import copy
import io
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor, ExecutePreprocessor
from nbconvert.writers import FilesWriter
from nbformat.v4.nbbase import random_cell_id
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.converters.base import NbGraderException
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (
    ClearHiddenTests,
    Execute,
    GetGrades,
    NbGraderPreprocessor,
    OverwriteCells,
)
from traitlets.utils.importstring import import_item

from grader.course import Assignment, Course
from grader.errors import GraderError
from grader.nbconfig import generate_assignment, gradebook_url, nbgrader_config
from grader.nbsandbox import (
    EXECUTE_SETTINGS,
    Execution,
    NotebookLimits,
    NotebookSandbox,
    SandboxedRunError,
    merge_outputs,
)
from grader.results import hash_tree, make_result
from grader.sandbox import (
    SandboxCaps,
    UidLease,
    Workspace,
    detect_sandbox,
    intake_submission,
    make_private_dir,
    require_sandbox,
)
from grader.trees import IntakeError, intake_notes, remove_tree, walk

__all__ = ["NotebookError", "notebook_grader"]

_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0b-\x1f\x7f]")


class NotebookError(GraderError, RuntimeError):
    """nbgrader could not autograde a notebook submission."""


def course_config(course: Course, course_dir: Path) -> Any:
    """nbgrader's Config with submitted/, autograded/ and feedback/ in the course dir."""
    config = nbgrader_config(course, course_dir=course_dir)
    for name in ("submitted", "autograded", "feedback"):
        setattr(config.CourseDirectory, f"{name}_directory", str(course_dir / name))
    # Students' outputs may hold HTML and scripts: the feedback page shows them inert.
    config.HTMLExporter.sanitize_html = True
    # A test cell the student deleted comes back from the source (nbgrader's default is to
    # leave it out, and its grade at whatever the gradebook held).
    if "add_missing_cells" not in config.OverwriteCells:
        config.OverwriteCells.add_missing_cells = True
    return config


@dataclass
class NotebookBatch:
    """What every job of one notebook batch shares."""

    course: Course
    assignment: Assignment
    course_dir: Path
    config: Any
    version: str
    caps: SandboxCaps
    workspace: Workspace
    sandbox: NotebookSandbox
    settings: dict[str, Any]  # nbgrader's Execute settings, for the runner
    lock: threading.Lock  # nbgrader's gradebook and converters: one job at a time
    feedback: Any = None  # the ThreadedFeedback converter, made by the first job
    feedback_log: io.StringIO = field(default_factory=io.StringIO)
    releases: list[threading.Thread] = field(default_factory=list)

    def release_later(self, lease: UidLease) -> None:
        """Free a job's uid in the background: `UidLease.release` makes sure nothing of it
        runs any more, which can take a second (it waits for the bwrap processes the
        sandbox left to be reaped); the job's result need not wait for that."""
        thread = threading.Thread(target=lease.release, name=f"release-{lease.uid}")
        thread.start()
        self.releases.append(thread)

    def wait_for_releases(self) -> None:
        """Every uid of the batch freed (nothing of any job still running)."""
        for thread in self.releases:
            thread.join()


@contextmanager
def notebook_grader(course: Course, assignment: Assignment, course_dir: Path, *,
                    caps: SandboxCaps | None = None,
                    limits: NotebookLimits | None = None) -> Iterator[Any]:
    """Yield a function grading one student's notebooks; the assignment is in the gradebook.

    Refuses (SandboxUnavailable) where the sandbox cannot run, unless ``caps`` says to
    grade without it (--unsafe-no-sandbox).
    """
    caps = caps or detect_sandbox()
    require_sandbox(caps)
    course_dir = Path(course_dir).resolve()
    generate_assignment(course, assignment, release_dir=course_dir / ".grader-release",
                        course_dir=course_dir)
    config = course_config(course, course_dir)
    workspace = Workspace.create()
    try:
        sandbox = NotebookSandbox.create(workspace, limits, isolated=caps.isolated)
        batch = NotebookBatch(
            course=course, assignment=assignment, course_dir=course_dir, config=config,
            version=hash_tree(assignment.source) if assignment.source else "", caps=caps,
            workspace=workspace, sandbox=sandbox, settings=execute_settings(config),
            lock=threading.Lock())

        def run(job: Any) -> dict[str, Any]:
            return grade_notebooks(batch, job.student, job.path)

        run.suite_version = batch.version  # type: ignore[attr-defined]
        try:
            yield run
        finally:
            batch.wait_for_releases()
    finally:
        workspace.remove()


def execute_settings(config: Any) -> dict[str, Any]:
    """The values of nbgrader's Execute traits under the course's config (its defaults:
    30 s a cell, interrupt on timeout, errors recorded, not raised)."""
    execute = Execute(config=config)
    return {name: copy.deepcopy(getattr(execute, name)) for name in EXECUTE_SETTINGS}


def grade_notebooks(batch: NotebookBatch, student: str, submission: Path) -> dict[str, Any]:
    """Autograde one submission in its sandbox; return its results.json document."""
    started = time.monotonic()
    private = make_private_dir(batch.workspace.private, student)
    try:
        copy_ = private / "submitted" / student / batch.assignment.name
        copy_.parent.mkdir(parents=True)
        try:
            scan = intake_submission(submission, copy_, batch.course.intake)
        except IntakeError as exc:
            return refused_result(batch, student, submission, exc, started)
        notes = [*batch.caps.warnings, *intake_notes(scan), *drop_links(copy_)]
        with batch.lock:
            expected = notebook_names(batch)
        timings: dict[str, float] = {"copy": time.monotonic() - started}
        if any((copy_ / f"{name}.ipynb").is_file() for name in expected):
            tests = sandboxed_autograde(batch, student, private / "submitted", notes, timings)
        else:
            with batch.lock:
                tests = read_grades(batch, None)
            notes.append("Your submission has none of this assignment's notebooks (expected: "
                         + ", ".join(f"{name}.ipynb" for name in expected)
                         + "); every test counts as failed.")
    finally:
        remove_tree(private)
    result = make_result(student=student, assignment=batch.assignment.name, kind="notebook",
                         tests=tests, feedback=notes, submission_sha256=hash_tree(submission),
                         suite_version=batch.version, max_score=None,
                         duration=time.monotonic() - started)
    result["sandbox"] = batch.caps.mode
    result["timings"] = {**{k: round(v, 3) for k, v in timings.items()},
                         "job_total": round(time.monotonic() - started, 3)}
    return result


def sandboxed_autograde(batch: NotebookBatch, student: str, submitted: Path,
                        notes: list[str], timings: dict[str, float]) -> list[dict[str, Any]]:
    """Autograde and feedback for one student (the intake copy under `submitted`), with
    the notebooks executed in the job's sandbox as the job's uid; the results' tests.

    ``timings`` gets the seconds of the sandboxed runs ("sandbox_run") and of the rest
    (nbgrader's steps, and the wait for another job's turn at the gradebook).
    """
    started = time.monotonic()
    execute = SandboxedExecute(notes=notes)
    lease = UidLease() if batch.caps.isolated else None
    try:
        with batch.sandbox.box(student) as box:
            execute.run = _runner(batch, box, lease)
            with batch.lock:
                autograde(batch, student, submitted, execute)
                generate_feedback(batch, student)
                tests = read_grades(batch, student)
    finally:
        if lease is not None:
            batch.release_later(lease)
        timings["sandbox_run"] = execute.seconds
        timings["nbgrader"] = time.monotonic() - started - timings["sandbox_run"]
    return tests


def _runner(batch: NotebookBatch, box: Path,
            lease: UidLease | None) -> Callable[[Any, Path], Execution]:
    """The function SandboxedExecute calls: fill the box once, run with the lock let go."""
    filled = []

    def run(notebook: Any, build_dir: Path) -> Execution:
        if not filled:
            batch.sandbox.fill_box(box, build_dir)
            filled.append(True)
        batch.lock.release()  # only this part runs in parallel with other jobs
        try:
            return batch.sandbox.execute(box, lease.uid if lease else None, notebook,
                                         batch.settings)
        finally:
            batch.lock.acquire()

    return run


def refused_result(batch: NotebookBatch, student: str, submission: Path, error: IntakeError,
                   started: float) -> dict[str, Any]:
    """The result of a submission refused at intake: status error, the reason, no tests."""
    result = make_result(
        student=student, assignment=batch.assignment.name, kind="notebook", tests=[],
        feedback=[f"Your submission was not graded. {error}"],
        submission_sha256=_safe_hash(submission), suite_version=batch.version,
        max_score=batch.assignment.points, status="error",
        duration=time.monotonic() - started)
    result["refused"] = "intake"
    result["sandbox"] = batch.caps.mode
    return result


def drop_links(root: Path) -> list[str]:
    """Delete the symbolic links of the intake copy; feedback naming them."""
    links = [rel for rel, info, _depth in walk(root) if (info.st_mode & 0o170000) == 0o120000]
    for rel in links:
        (root / rel).unlink()
    if not links:
        return []
    names = ", ".join(links[:5]) + (f" and {len(links) - 5} more" if len(links) > 5 else "")
    return [f"Left out of your submission: {names} (symbolic links are not graded; submit "
            "the files themselves)."]


def _safe_hash(path: Path) -> str:
    """The submission's hash, or "" when it cannot be read."""
    try:
        return hash_tree(path)
    except (OSError, RecursionError, MemoryError):
        return ""


class SandboxedExecute(NbGraderPreprocessor):
    """nbgrader's Execute step, done in the job's sandbox (see `grader.nbsandbox`).

    It sends the notebook to the runner, puts the returned outputs on the trusted cells
    (`merge_outputs`) and notes for the student what stopped a run early. A sandbox that
    could not even start the kernel is the grader's failure, not the student's: it is kept
    in ``failure``, and the job becomes a status-error result.
    """

    def __init__(self, *, notes: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.notes = notes
        #: Runs one notebook in the job's sandbox (`_runner`), set once the box exists.
        self.run: Callable[[Any, Path], Execution] | None = None
        self.failure: str | None = None
        self.seconds = 0.0  # in the sandbox, every notebook together

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """Run the notebook in the sandbox and take its outputs."""
        name = resources["nbgrader"]["notebook"]
        assert self.run is not None, "SandboxedExecute.run is set by sandboxed_autograde"
        try:
            execution = self.run(nb, Path(resources["metadata"]["path"]))
        except (SandboxedRunError, OSError) as exc:  # nbgrader would log it away: keep it
            self.failure = f"{name}.ipynb: {exc}"
            raise
        self.seconds += execution.seconds
        answer = execution.answer or {}
        if answer and not answer.get("kernel_ready"):
            self.failure = (f"{name}.ipynb: the sandbox could not start a kernel: "
                            f"{clean_text(str(answer.get('log', '')))[-600:]}")
            raise SandboxedRunError(self.failure)
        not_run = merge_outputs(nb, execution)
        self.notes.extend(run_notes(f"{name}.ipynb", execution, not_run))
        return nb, resources


def run_notes(name: str, execution: Execution, not_run: list[int]) -> list[str]:
    """What the student should know about how their notebook ran (cell numbers from 1)."""
    notes = []
    if execution.problem:
        notes.append(f"{name}: {execution.problem}; the cells that did not finish count as "
                     "failed.")
    stuck = {event.get("cell") for event in execution.events if event.get("kind") == "stuck"}
    for event in execution.events:
        cell = event.get("cell")
        where = f"cell {cell + 1}" if isinstance(cell, int) and not isinstance(cell, bool) \
            else "a cell"
        kind = event.get("kind")
        if kind == "timeout" and cell not in stuck:
            notes.append(f"{name}: {where} ran out of time and was interrupted (an endless "
                         "loop? a very slow computation?).")
        elif kind == "died":
            notes.append(f"{name}: the kernel died in {where} (os._exit(), a crash, or the "
                         "memory limit); the cells after it were not run and count as failed.")
        elif kind == "stuck":
            notes.append(f"{name}: {where} ran out of time and ignored the interrupt; the "
                         "cells after it were not run and count as failed.")
        elif kind == "deadline":
            notes.append(f"{name}: the notebook ran out of time at {where}; it and the cells "
                         "after it were not run and count as failed.")
    if not_run and not notes:
        notes.append(f"{name}: {len(not_run)} cell(s) did not run to the end and count as "
                     "failed.")
    return notes


class HideHiddenTests(ClearHiddenTests):
    """For the feedback page: a cell with hidden tests shows neither them nor its outputs
    (a failing assertion's traceback quotes the hidden line)."""

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> Any:
        """Remove the hidden region; drop the outputs of a cell that had one."""
        if cell.cell_type == "code" and self._remove_hidden_test_region(cell):
            cell.outputs = []
        return cell, resources


class RestoreCells(OverwriteCells):
    """nbgrader's OverwriteCells; a test cell it adds back gets a cell id (nbformat 4.5
    requires one: nbgrader 0.9 leaves it out, and nbformat warns, soon refuses)."""

    def missing_cell_transform(self, *args: Any, **kwargs: Any) -> Any:
        """The source's cell, as nbgrader rebuilds it, with a new id."""
        cell = super().missing_cell_transform(*args, **kwargs)
        cell["id"] = random_cell_id()
        return cell


class InThread:
    """Mixin for an nbgrader converter: start() leaves the working directory alone.

    nbgrader's BaseConverter.start chdirs to the course root for the whole run; our paths
    are absolute, and jobs run in threads of one process.
    """

    def start(self) -> None:
        """BaseConverter.start, without os.chdir."""
        self.init_notebooks()
        self.writer = FilesWriter(parent=self, config=self.config)
        self.exporter = self.exporter_class(parent=self, config=self.config)
        for preprocessor in self.preprocessors:
            self.exporter.register_preprocessor(preprocessor)
        self.convert_notebooks()


class SandboxedAutograde(InThread, Autograde):
    """nbgrader's Autograde with its Execute step in the sandbox (see the module's doc)."""

    def __init__(self, *, execute: SandboxedExecute, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Any step that executes (Execute, or an instructor's own) is the sandboxed one.
        self.autograde_preprocessors = [execute if _executes(p) else p
                                        for p in self.autograde_preprocessors]
        self.sanitize_preprocessors = [RestoreCells if p is OverwriteCells else p
                                       for p in self.sanitize_preprocessors]

    def convert_single_notebook(self, notebook_filename: str) -> None:
        """Autograde's, without setting NBGRADER_EXECUTION in this process's environment
        (other jobs' threads share it): the sandbox has it in its own."""
        self.log.info("Sanitizing %s", notebook_filename)
        self._sanitizing = True
        self._init_preprocessors()
        super(Autograde, self).convert_single_notebook(notebook_filename)
        built = str(Path(self.writer.build_directory) / Path(notebook_filename).name)
        self.log.info("Autograding %s", built)
        self._sanitizing = False
        self._init_preprocessors()
        try:
            super(Autograde, self).convert_single_notebook(built)
        finally:
            self._sanitizing = True


class ThreadedFeedback(InThread, GenerateFeedback):
    """nbgrader's GenerateFeedback, hidden tests left out (`HideHiddenTests`).

    One per batch, given each student in turn (under the batch's lock): its HTML exporter,
    whose templates take half a second to compile, is made once.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.preprocessors = [HideHiddenTests, GetGrades, CSSHTMLHeaderPreprocessor]
        self._made = False

    def start(self) -> None:
        """BaseConverter.start, without os.chdir, keeping the writer and the exporter."""
        if not self._made:
            self._made = True
            self.writer = FilesWriter(parent=self, config=self.config)
            self.exporter = self.exporter_class(parent=self, config=self.config)
            for preprocessor in self.preprocessors:
                self.exporter.register_preprocessor(preprocessor)
        self.init_notebooks()
        self.convert_notebooks()


def _executes(preprocessor: Any) -> bool:
    """True for a preprocessor that executes the notebook (it must never run out here)."""
    if isinstance(preprocessor, str):
        preprocessor = import_item(preprocessor)
    cls = preprocessor if isinstance(preprocessor, type) else type(preprocessor)
    return issubclass(cls, ExecutePreprocessor)


def _converter(cls: type, batch: NotebookBatch, student: str, log: logging.Logger,
               submitted: Path | None = None, **kwargs: Any) -> Any:
    """An nbgrader converter for one student, with its own CourseDirectory and logger."""
    config = copy.deepcopy(batch.config)
    if submitted is not None:
        config.CourseDirectory.submitted_directory = str(submitted)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = batch.assignment.name, student
    converter = cls(coursedir=coursedir, config=config, log=log, **kwargs)
    converter.force = True
    return converter


def autograde(batch: NotebookBatch, student: str, submitted: Path,
              execute: SandboxedExecute) -> None:
    """nbgrader's autograde of one submission (read from the intake copy), sandboxed."""
    log, buffer = _job_log()
    converter = _converter(SandboxedAutograde, batch, student, log, submitted,
                           execute=execute)
    _start(converter, execute, buffer)


def generate_feedback(batch: NotebookBatch, student: str) -> None:
    """nbgrader's feedback HTML, without the hidden tests (the batch's converter)."""
    if batch.feedback is None:
        log, batch.feedback_log = _job_log("feedback")
        batch.feedback = _converter(ThreadedFeedback, batch, student, log)
    batch.feedback.coursedir.student_id = student
    batch.feedback_log.seek(0)
    batch.feedback_log.truncate()
    _start(batch.feedback, None, batch.feedback_log)


def _start(converter: Any, execute: SandboxedExecute | None, buffer: io.StringIO) -> None:
    """Run a converter; raise NotebookError with what went wrong."""
    try:
        converter.start()
    except NbGraderException as exc:
        failure = execute.failure if execute is not None else None
        raise NotebookError(failure or _tail(buffer.getvalue(), str(exc))) from None


def _job_log(name: str | None = None) -> tuple[logging.Logger, io.StringIO]:
    """A logger of the job's thread (jobs run in threads) or `name`, writing to a buffer."""
    log = logging.getLogger(f"grader.notebooks.{name or threading.get_ident()}")
    log.handlers.clear()
    log.propagate = False
    buffer = io.StringIO()
    log.addHandler(logging.StreamHandler(buffer))
    log.setLevel(logging.INFO)
    return log, buffer


def _tail(log: str, fallback: str) -> str:
    """The last lines of nbgrader's log."""
    return "\n".join(log.strip().splitlines()[-15:]) or fallback or "nbgrader failed"


def notebook_names(batch: NotebookBatch) -> list[str]:
    """The assignment's notebooks, as the gradebook knows them (from the release)."""
    with Gradebook(gradebook_url(batch.course_dir)) as gradebook:
        return sorted(nb.name for nb in gradebook.find_assignment(batch.assignment.name)
                      .notebooks)


def read_grades(batch: NotebookBatch, student: str | None) -> list[dict[str, Any]]:
    """One test per graded cell, from nbgrader's gradebook (student None: nothing was
    submitted, every test failed).

    A cell with hidden tests is "hidden" (the page shows its name and points, never its
    failure); another cell's failure message is its error, without colours or control
    characters. The tests come in the order of the cells in the source notebooks.
    """
    delimiter = HideHiddenTests(config=batch.config).begin_test_delimeter
    name = batch.assignment.name
    tests: list[dict[str, Any]] = []
    with Gradebook(gradebook_url(batch.course_dir)) as gradebook:
        if student is None:
            graded = [(nb.name, cell.name, float(cell.max_score), 0.0)
                      for nb in gradebook.find_assignment(name).notebooks
                      for cell in nb.grade_cells]
            errors: dict[str, dict[str, str]] = {}
        else:
            submission = gradebook.find_submission(name, student)
            graded = [(nb.name, grade.name, float(grade.max_score), float(grade.score or 0))
                      for nb in submission.notebooks for grade in nb.grades]
            errors = {nb.name: cell_errors(batch.course_dir / "autograded" / student / name
                                           / f"{nb.name}.ipynb")
                      for nb in submission.notebooks}
        order = cell_order(batch.assignment.source)
        graded.sort(key=lambda g: (g[0], order.get((g[0], g[1]), len(order)), g[1]))
        for notebook, cell, points, earned in graded:
            hidden = delimiter in gradebook.find_source_cell(cell, notebook, name).source
            passed = earned >= points
            message = None if passed or hidden else (
                errors.get(notebook, {}).get(cell) if student else "not submitted")
            tests.append({
                "name": f"{notebook}.ipynb::{cell}", "visibility": "hidden" if hidden else
                "public", "points": points, "earned": earned, "passed": passed,
                "hint": None, "outcome": "passed" if passed else "failed", "duration": 0.0,
                "message": message})
    return tests


def cell_order(source: Path | None) -> dict[tuple[str, str], int]:
    """(notebook, grade id) -> the cell's place in the source notebook: tests are listed
    (and the feedback's "first failing cell" found) in the order the student meets them."""
    order: dict[tuple[str, str], int] = {}
    for path in sorted(Path(source).glob("*.ipynb")) if source is not None else []:
        try:
            notebook = nbformat.read(path, as_version=4)
        except (OSError, ValueError):
            continue
        for index, cell in enumerate(notebook.cells):
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id:
                order[(path.stem, grade_id)] = index
    return order


def cell_errors(path: Path) -> dict[str, str]:
    """grade id -> the last error of that cell in the autograded notebook, made plain."""
    try:
        notebook = nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return {}
    found = {}
    for cell in notebook.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if grade_id and errors:
            last = errors[-1]
            text = f"{last.get('ename', '')}: {last.get('evalue', '')}".strip(": ")
            found[grade_id] = clean_text(text)[:300]
    return found


def clean_text(text: str) -> str:
    """Text without ANSI colours or control characters (newlines and tabs kept)."""
    return _CONTROL.sub("", text)
