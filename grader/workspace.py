"""The students' workspace: the released assignments a student works in, with `make lab`.

`grader workspace --out DIR` makes DIR (the course's `workspace/` by default) from
`grader release` and never overwrites what is already there:

- an assignment whose folder is missing is released into it, whole;
- a project folder that exists is left as it is: it is the student's work;
- a notebook assignment folder that exists gets the released files it lacks (a notebook
  the course added since, or one the student moved away), never a file it has;
- an assignment whose source does not exist yet (notebooks not written) is skipped;
- `START.md`, the start page, is written when missing and refreshed (when the course has
  new assignments) only while it is still what an earlier build wrote;
- `.jupyter/` is the student lab's configuration, rewritten on every build: JupyterLab reads
  it through JUPYTER_CONFIG_PATH (see `make lab`). It keeps nbgrader's student extension
  (Validate) and turns off the instructor's (formgrader, create assignment) and the ones
  that need an exchange directory (assignment list, course list). Hidden, so the student's
  file browser does not show it.

Each assignment is released on its own, into a temporary directory, and moved into the
workspace in one rename, so an interrupted or failed release leaves no half folder behind;
one failure is reported and does not stop the others.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import string
import tempfile
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from grader.course import Assignment, Course
from grader.errors import GraderError
from grader.release import release

__all__ = [
    "CONFIG_DIR",
    "LAB_DISABLED",
    "SERVER_DISABLED",
    "START_PAGE",
    "Change",
    "WorkspaceReport",
    "build_workspace",
    "render_start_page",
    "write_lab_config",
]

START_PAGE = "START.md"
CONFIG_DIR = ".jupyter"
STATE_FILE = "workspace.json"
# JupyterLab front-end plugins of nbgrader turned off in the student lab: the instructor's
# tools, the lists that need nbgrader's exchange directory (a student working alone has
# none), and the "Nbgrader" menu, which only opens those. Validate stays.
LAB_DISABLED = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:menu",
    # Jupytext comes with the site's notebook renderer (mkdocs-jupyter), not for students:
    # with it, the lab serves Markdown files such as START.md as notebooks.
    "jupyterlab-jupytext",
)
# The server side of the same extensions (create-assignment has none).
SERVER_DISABLED = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
    "jupyterlab_jupytext",
)
# Markdown files (START.md, the starters' READMEs) open rendered; "Open With" edits them.
DEFAULT_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings":
        {"defaultViewers": {"markdown": "Markdown Preview"}},
    # No "Would you like to get notified about official Jupyter news?" over the notebook.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}
DOCS_URL = "http://127.0.0.1:8001"  # `make docs`
# The lab's terminal where SHELL is unset (as on Windows, where there is no /bin/sh).
DEFAULT_SHELL = "powershell.exe" if os.name == "nt" else "/bin/sh"


@dataclass(frozen=True)
class Change:
    """What a build did with one assignment (or the start page)."""

    name: str
    action: str  # "added" | "updated" | "kept" | "skipped" | "failed"
    detail: str = ""


@dataclass
class WorkspaceReport:
    """What `build_workspace` did, in the course's order; the start page last."""

    root: Path
    changes: list[Change] = field(default_factory=list)

    def names(self, action: str) -> list[str]:
        """The names whose change was `action`."""
        return [c.name for c in self.changes if c.action == action]

    @property
    def failed(self) -> bool:
        """True when an assignment could not be released."""
        return any(c.action == "failed" for c in self.changes)


def build_workspace(
    course: Course, root: Path, *, names: list[str] | None = None
) -> WorkspaceReport:
    """Add to `root` what it lacks of the course's assignments; never replace a file."""
    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    report = WorkspaceReport(root)
    with tempfile.TemporaryDirectory(prefix="grader-workspace-") as scratch:
        for assignment in course.select(names):
            report.changes.append(_add_assignment(course, assignment, root, Path(scratch)))
    report.changes.append(_write_start_page(course, root))
    write_lab_config(root)
    return report


def _add_assignment(course: Course, assignment: Assignment, root: Path, scratch: Path) -> Change:
    """Release `assignment` into the workspace if it lacks it (or, for notebooks, some of it)."""
    target = root / assignment.name
    if target.exists() and (assignment.is_project or not _new_notebooks(assignment, target)):
        return Change(assignment.name, "kept", "already in the workspace; left as it is")
    if assignment.source is None or not assignment.source.is_dir():
        return Change(assignment.name, "skipped", f"its source {assignment.source} does not "
                      "exist yet")
    try:
        (released,) = release(course, [assignment.name], out=scratch / "release",
                              course_dir=scratch / "course-dir")
    except GraderError as exc:
        return Change(assignment.name, "failed", str(exc))
    if not target.exists():
        partial = root / f".{assignment.name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(released.directory, partial)
        os.replace(partial, target)
        count = len(_files(target))
        return Change(assignment.name, "added", f"{count} file{'s' if count != 1 else ''}")
    added = []
    for name in _files(released.directory):
        if not (target / name).exists():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(released.directory / name, target / name)
            added.append(name)
    return Change(assignment.name, "updated", "new: " + ", ".join(added))


def _new_notebooks(assignment: Assignment, target: Path) -> list[str]:
    """The source notebooks of `assignment` that its workspace folder lacks."""
    if assignment.source is None or not assignment.source.is_dir():
        return []
    return [name for name in _files(assignment.source, "*.ipynb")
            if ".ipynb_checkpoints" not in name and not (target / name).exists()]


def _files(directory: Path, pattern: str = "*") -> list[str]:
    """Every regular file under `directory` matching `pattern`, relative, sorted."""
    return sorted(p.relative_to(directory).as_posix()
                  for p in directory.rglob(pattern) if p.is_file())


def _write_start_page(course: Course, root: Path) -> Change:
    """Write START.md when missing, or refresh it while the student has not edited it."""
    page = root / START_PAGE
    text = render_start_page(course, root)
    state = _read_state(root)
    if not page.exists():
        action = "added"
    elif page.read_bytes() == text.encode("utf-8"):
        return Change(START_PAGE, "kept", "up to date")
    elif _digest(page.read_bytes()) == state.get("start_page_sha256"):
        action = "updated"
    else:
        return Change(START_PAGE, "kept", "you edited it; delete it to get a fresh one")
    page.write_text(text, encoding="utf-8")
    _write_state(root, {**state, "start_page_sha256": _digest(text.encode("utf-8"))})
    return Change(START_PAGE, action, "the start page")


def render_start_page(course: Course, root: Path) -> str:
    """The start page for the assignments present in the workspace at `root`."""
    present = [a for a in course.assignments.values() if (root / a.name).is_dir()]
    template = files("grader").joinpath("workspace_template", START_PAGE).read_text("utf-8")
    return string.Template(template).safe_substitute(
        course_title=course.title,
        assignments=_assignment_table(present),
        where_to_start=_where_to_start(present, root),
        docs_url=DOCS_URL,
    )


def _assignment_table(present: list[Assignment]) -> str:
    """A markdown table of the assignments in the workspace."""
    if not present:
        return "No assignments yet: your instructor will tell you when there are some."
    rows = ["| folder | assignment | how you work on it | its lesson |",
            "| --- | --- | --- | --- |"]
    for assignment in present:
        how = ("a project: write its functions, check them with `grader check`"
               if assignment.is_project else
               "notebooks: run the cells, write the exercises, press **Validate**")
        rows.append(f"| `{assignment.name}/` | {assignment.title} | {how} | "
                    f"{_lesson_link(assignment)} |")
    return "\n".join(rows)


def _lesson_link(assignment: Assignment) -> str:
    """The assignment's lesson as a link into the course site served by `make docs`."""
    if not assignment.lesson:
        return "-"
    page = assignment.lesson.removeprefix("lessons/").removesuffix(".md")
    page = "" if page == "index" else f"{page}/"
    return f"[{page.rstrip('/') or 'home'}]({DOCS_URL}/{page})"


def _where_to_start(present: list[Assignment], root: Path) -> str:
    """The first steps: the first notebook, or the first project and `grader check`."""
    if not present:
        return "Come back here when your instructor adds the first assignment."
    first = present[0]
    lesson = f" Read its lesson first ({_lesson_link(first)}), then:" if first.lesson else ""
    steps = [f"Start with **{first.title}**, in the folder `{first.name}/`.{lesson}", ""]
    if not first.is_project:
        notebooks = _files(root / first.name, "*.ipynb")
        opening = f"`{first.name}/{notebooks[0]}`" if notebooks else f"the folder `{first.name}/`"
        steps += [
            f"1. In the file browser on the left, double-click {opening} to open it.",
            "2. Run each cell with **Shift+Enter** and read what it prints.",
            "3. Write your answer where a cell says `raise NotImplementedError()`, then run the "
            "test cell below it.",
            "4. Press **Validate** in the notebook's toolbar: it runs every test of the notebook.",
        ]
        project = next((a for a in present if a.is_project), None)
        if project is not None:
            steps += ["", f"After the notebooks comes the project **{project.title}**, in "
                      f"`{project.name}/`:", ""] + _project_steps(project)
        return "\n".join(steps)
    return "\n".join(steps + _project_steps(first))


def _project_steps(project: Assignment) -> list[str]:
    """How to work on a starter project in this lab."""
    command = ("flask --app wsgi serve-dev" if project.framework == "flask"
               else "python manage.py serve 127.0.0.1:8000")
    address = "http://127.0.0.1:5000" if project.framework == "flask" else "http://127.0.0.1:8000"
    return [
        "1. Open a terminal (see *Open a terminal* below). It starts in this workspace.",
        "2. Go into the project and check your work:",
        "",
        "   ```console",
        f"   cd {project.name}",
        "   grader check",
        "   ```",
        "",
        "   `grader check` runs the public tests and names the test to work on next, with a "
        "hint. At first most tests fail: they are the work ahead of you.",
        f"3. In the file browser, open the files in `{project.name}/hub/`. Every function "
        "that says `raise NotImplementedError` is yours to write; its message says which "
        "lesson section explains it. Save with **Ctrl+S** and run `grader check` again.",
        f"4. To try your hub by hand, run `{command}` in the terminal and open "
        f"{address}/api/v1/health. **Ctrl+C** stops it.",
        "",
        "Everything the project needs is installed in this lab: you can skip the *Set up* "
        "steps of its README (no virtual environment to make).",
    ]


def write_lab_config(root: Path) -> Path:
    """Write the student lab's configuration into <root>/.jupyter/; return that directory.

    JupyterLab reads it when JUPYTER_CONFIG_PATH names it (a JUPYTER_CONFIG_PATH entry
    comes before every other configuration directory): `jupyter_server_config.json` for
    the server (root directory, start page, extensions), `labconfig/page_config.json` for
    the front-end plugins. The JupyterLab settings and layouts a student changes are kept
    in `.jupyter/lab/`, inside the workspace, not in their home directory.
    """
    root = Path(root).resolve()
    config = root / CONFIG_DIR
    lab = config / "lab"
    server = {
        "ServerApp": {
            "root_dir": str(root),
            "jpserver_extensions": {name: False for name in SERVER_DISABLED},
            # No login shell: /etc/profile may reset PATH and lose the course's `grader`.
            "terminado_settings": {"shell_command": [os.environ.get("SHELL") or DEFAULT_SHELL]},
        },
        "LabApp": {
            "default_url": f"/lab/tree/{START_PAGE}",
            "user_settings_dir": str(lab / "user-settings"),
            "workspaces_dir": str(lab / "workspaces"),
        },
    }
    page = {"disabledExtensions": {name: True for name in LAB_DISABLED}}
    _write_json(config / "jupyter_server_config.json", server)
    _write_json(config / "labconfig" / "page_config.json", page)
    for name, settings in DEFAULT_SETTINGS.items():
        path = lab / "user-settings" / name
        if not path.exists():  # the student's own settings win
            _write_json(path, settings)
    return config


def _write_json(path: Path, data: object) -> None:
    """Write `data` as indented JSON, making the parent directories."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _read_state(root: Path) -> dict[str, str]:
    """What earlier builds recorded (the start page's digest); empty when none."""
    try:
        data = json.loads((root / CONFIG_DIR / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_state(root: Path, state: dict[str, str]) -> None:
    """Record `state` for the next build."""
    _write_json(root / CONFIG_DIR / STATE_FILE, state)


def _digest(data: bytes) -> str:
    """The SHA-256 of `data`, in hex."""
    return hashlib.sha256(data).hexdigest()
