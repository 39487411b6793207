"""mkdocs hook: the course's notebooks, rendered into the site from their released versions.

For every notebook assignment in course.toml, each notebook becomes a page at
`notebooks/<file>.ipynb` (mkdocs-jupyter renders it; a lesson links to it as
`notebooks/01-serial.ipynb`). The page shows exactly what a student gets:

1. the assignment is released with nbgrader (`grader.release.release_notebooks`): no
   solutions, no hidden tests;
2. the *source* notebook is executed once (nbclient, in a temporary copy of its folder), and
   the outputs of its read-only teaching cells are copied into the released notebook, so a
   reader of the site sees what each teaching cell prints. Exercise cells and test cells stay
   without output: a student runs those;
3. a first cell says what the page is and links the download (the released notebook,
   copied beside the page by mkdocs-jupyter's `include_source`).

Executing takes seconds per notebook, so results are cached in build/site-notebooks/, keyed
by a hash of the assignment's files and of the simulators and grader packages: a second
`mkdocs build` only renders. Widget state is not stored (it would pull the widgets'
JavaScript from a CDN); the board view falls back to its static SVG picture.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.notebooks")

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "site-notebooks"
# Code the executed outputs depend on besides the notebook's own folder.
DEPENDS_ON = ("simulators", "grader")
CELL_TIMEOUT = 120  # seconds; a notebook is meant to run in under a minute in all


@event_priority(50)  # before mkdocs-jupyter's on_files, which turns .ipynb files into pages
def on_files(files: Files, config) -> Files:
    from grader.course import load_course

    course = load_course(ROOT)
    todo = [a for a in course.assignments.values() if a.kind == "notebook" and a.source.is_dir()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        rendered = list(pool.map(render_assignment, [course] * len(todo), todo))
    for paths in rendered:
        for path in paths:  # <cache>/<name>/<key>/notebooks/<file>.ipynb
            files.append(File(f"notebooks/{path.name}", src_dir=str(path.parent.parent),
                              dest_dir=config["site_dir"],
                              use_directory_urls=config["use_directory_urls"]))
    return files


def render_assignment(course, assignment) -> list[Path]:
    """Return the site versions of an assignment's notebooks, from the cache when fresh."""
    key = _digest(assignment.source)
    out = CACHE / assignment.name / key
    if not out.is_dir():
        log.info("notebooks: releasing and executing %s", assignment.name)
        with tempfile.TemporaryDirectory() as tmp:
            built = Path(tmp) / "site"
            (built / "notebooks").mkdir(parents=True)
            released = _release(course, assignment, Path(tmp))
            for source in sorted(assignment.source.glob("*.ipynb")):
                executed = _execute(source)
                page = _merge(nbformat.read(released / source.name, as_version=4), executed,
                               source.name, assignment.name)
                nbformat.write(page, built / "notebooks" / source.name)
            shutil.rmtree(CACHE / assignment.name, ignore_errors=True)
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(built, out)
    return sorted((out / "notebooks").glob("*.ipynb"))


def _release(course, assignment, tmp: Path) -> Path:
    from grader.release import release_notebooks

    return release_notebooks(course, assignment, out=tmp / "release",
                             course_dir=tmp / "course").directory


def _execute(source: Path) -> nbformat.NotebookNode:
    """Run the source notebook top to bottom in a copy of its folder; return it with outputs."""
    from mkdocs.exceptions import PluginError
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(source, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / source.parent.name
        shutil.copytree(source.parent, work)
        try:
            NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                           resources={"metadata": {"path": str(work)}},
                           store_widget_state=False).execute()
        except CellExecutionError as error:
            cell = next((c for c in notebook.cells if any(
                o.get("output_type") == "error" for o in c.get("outputs", []))), None)
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id") if cell else None
            raise PluginError(f"{source.name}: cell {grade_id or '?'} raised "
                              f"{error.ename}: {error.evalue}") from None
    return notebook


def _merge(released: nbformat.NotebookNode, executed: nbformat.NotebookNode,
           name: str, folder: str):
    """The released notebook with the executed outputs of its read-only teaching cells."""
    for page_cell, run_cell in zip(released.cells, executed.cells, strict=True):
        meta = page_cell.metadata.get("nbgrader", {})
        if page_cell.cell_type == "code" and not (meta.get("solution") or meta.get("grade")):
            page_cell.outputs = run_cell.outputs
            page_cell.execution_count = run_cell.execution_count
    note = DOWNLOAD_NOTE.format(name=name, folder=folder)
    released.cells.insert(0, nbformat.v4.new_markdown_cell(note))
    return released


DOWNLOAD_NOTE = """\
> **This is the notebook as you get it:** the exercises are empty and the hidden tests are
> out, as in your workspace. Work in it in JupyterLab (`make lab`, folder
> `{folder}/`), or [download this notebook]({name}).
"""


def _digest(folder: Path) -> str:
    """A short hash of the folder's files and of the packages the outputs depend on."""
    h = hashlib.sha256()
    for base in (folder, *(ROOT / d for d in DEPENDS_ON)):
        for path in sorted(base.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(ROOT)).encode())
                h.update(path.read_bytes())
    h.update(json.dumps(CELL_TIMEOUT).encode())
    return h.hexdigest()[:16]
