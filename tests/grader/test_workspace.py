"""`grader workspace`: the students' workspace is built from the release, never overwritten."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest
from jupyter_core.paths import jupyter_path

from grader.__main__ import main
from grader.course import Course, load_course
from grader.workspace import (
    CONFIG_DIR,
    LAB_DISABLED,
    SERVER_DISABLED,
    START_PAGE,
    build_workspace,
)

DEMO_NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebook-demo" / "notebooks" / "demo"

TINY_COURSE = """
[course]
id = "tiny"
title = "Tiny course"

[[assignment]]
name = "tiny-hub"
kind = "project"
title = "The tiny hub"
source = "starter"
contract = "contract"
framework = "flask"
lesson = "lessons/tiny-hub.md"
"""
TINY_FILES = {
    "starter/hub/__init__.py": "",
    "starter/hub/views.py": """
        def index():
            ### BEGIN SOLUTION
            return "hello"
            ### END SOLUTION
        """,
    "starter/wsgi.py": "from hub import views\n",
    "contract/openapi.yaml": "openapi: 3.1.0\n",
    "contract/tests/test_public.py": "def test_public():\n    pass\n",
    "contract/hidden/test_secret.py": "def test_secret():\n    pass\n",
}
NOTEBOOK_ASSIGNMENT = """
[[assignment]]
name = "demo"
kind = "notebook"
title = "Squares"
"""


def _files(root: Path) -> dict[str, bytes]:
    """Every file under root (relative name -> bytes)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _add_to_manifest(course: Course, text: str) -> Course:
    """Append `text` to the course's course.toml and load the course again."""
    manifest = course.root / "course.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + text, encoding="utf-8")
    return load_course(course.root)


def _actions(report) -> dict[str, str]:
    return {change.name: change.action for change in report.changes}


def test_the_course_workspace_holds_both_starters_released(repo_course: Course,
                                                          tmp_path: Path) -> None:
    root = tmp_path / "workspace"
    report = build_workspace(repo_course, root)
    assert not report.failed, [c for c in report.changes if c.action == "failed"]
    projects = [a.name for a in repo_course.assignments.values() if a.is_project]
    assert {"flask-hub", "django-hub"} <= set(projects)
    assert set(projects) <= set(report.names("added"))
    for name in projects:
        files = _files(root / name)
        assert "contract/openapi.yaml" in files and "hub/__init__.py" in files
        assert any(n.startswith("contract/tests/test_") for n in files), "public tests kept"
        assert not any(n.startswith("contract/hidden") for n in files), "hidden tests left out"
        assert not [n for n, data in files.items() if b"BEGIN SOLUTION" in data]
        assert any(b"raise NotImplementedError" in data for data in files.values())
    start = (root / START_PAGE).read_text(encoding="utf-8")
    assert "cd flask-hub" in start and "grader check" in start

    edited = root / "flask-hub" / "hub" / "__init__.py"
    edited.write_bytes(edited.read_bytes() + b"\n# my own note\n")
    before = _files(root / "flask-hub")
    again = build_workspace(repo_course, root)
    assert set(projects) <= set(again.names("kept")) and not again.names("added")
    assert _files(root / "flask-hub") == before


def test_a_second_build_keeps_edits_and_adds_a_new_assignment(make_course) -> None:
    course = make_course(TINY_COURSE, TINY_FILES)
    root = course.root / "workspace"
    assert _actions(build_workspace(course, root)) == {"tiny-hub": "added", START_PAGE: "added"}
    views = root / "tiny-hub" / "hub" / "views.py"
    assert "BEGIN SOLUTION" not in views.read_text() and "NotImplementedError" in views.read_text()
    views.write_text("def index():\n    return 'my answer'\n", encoding="utf-8")
    (root / "tiny-hub" / "notes.txt").write_text("mine\n", encoding="utf-8")
    (root / "tiny-hub" / "wsgi.py").unlink()
    before = _files(root / "tiny-hub")

    shutil.copytree(DEMO_NOTEBOOKS, course.root / "notebooks" / "demo")
    course = _add_to_manifest(course, NOTEBOOK_ASSIGNMENT)
    report = build_workspace(course, root)

    assert _actions(report)["tiny-hub"] == "kept" and _actions(report)["demo"] == "added"
    assert _files(root / "tiny-hub") == before, "the student's project is left exactly as it was"
    notebook = (root / "demo" / "demo.ipynb").read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in notebook and "raise NotImplementedError" in notebook
    assert "demo/" in (root / START_PAGE).read_text(encoding="utf-8")


def test_a_new_notebook_is_added_beside_the_edited_ones(make_course) -> None:
    course = make_course(TINY_COURSE.split("[[assignment]]")[0] + NOTEBOOK_ASSIGNMENT)
    shutil.copytree(DEMO_NOTEBOOKS, course.root / "notebooks" / "demo")
    root = course.root / "workspace"
    build_workspace(course, root)
    mine = root / "demo" / "demo.ipynb"
    mine.write_bytes(mine.read_bytes().replace(b"raise NotImplementedError()", b"return [0, 1, 4]"))
    edited = mine.read_bytes()
    assert build_workspace(course, root).changes[0].action == "kept"

    shutil.copy(DEMO_NOTEBOOKS / "demo.ipynb", course.root / "notebooks" / "demo" / "more.ipynb")
    report = build_workspace(course, root)

    assert report.changes[0].action == "updated" and "more.ipynb" in report.changes[0].detail
    assert mine.read_bytes() == edited
    assert "BEGIN SOLUTION" not in (root / "demo" / "more.ipynb").read_text(encoding="utf-8")


def test_a_kept_assignment_is_not_released_again(make_course) -> None:
    course = make_course(TINY_COURSE, TINY_FILES)
    root = course.root / "workspace"
    build_workspace(course, root)
    (course.root / "starter" / "hub" / "views.py").write_text(
        "def index():\n    ### BEGIN SOLUTION\n    return 1\n", encoding="utf-8")
    report = build_workspace(course, root)
    assert not report.failed and _actions(report)["tiny-hub"] == "kept"


def test_a_failed_release_is_reported_and_the_others_still_added(
        make_course, capsys: pytest.CaptureFixture[str]) -> None:
    broken = TINY_COURSE.split("[[assignment]]", 1)[1].replace('"tiny-hub"', '"broken-hub"')
    course = make_course(TINY_COURSE + "[[assignment]]" + broken.replace(
        'source = "starter"', 'source = "broken"'), {
        **TINY_FILES,
        "broken/hub/__init__.py": "",
        "broken/hub/views.py": "def index():\n    ### BEGIN SOLUTION\n    return 1\n",
    })
    root = course.root / "workspace"
    report = build_workspace(course, root)
    assert report.failed and _actions(report)["tiny-hub"] == "added"
    (failure,) = [c for c in report.changes if c.action == "failed"]
    assert failure.name == "broken-hub" and "broken/hub/views.py:2" in failure.detail
    assert sorted(p.name for p in root.iterdir()) == [CONFIG_DIR, START_PAGE, "tiny-hub"]

    status = main(["workspace", "--course", str(course.root), "--out", str(root)])
    out = capsys.readouterr().out
    assert status == 1 and "failed" in out and "kept" in out


def test_an_assignment_without_notebooks_yet_is_skipped(make_course) -> None:
    course = make_course(TINY_COURSE.split("[[assignment]]")[0] + NOTEBOOK_ASSIGNMENT)
    root = course.root / "workspace"
    report = build_workspace(course, root)
    assert not report.failed and _actions(report) == {"demo": "skipped", START_PAGE: "added"}
    assert not (root / "demo").exists()
    assert "No assignments yet" in (root / START_PAGE).read_text(encoding="utf-8")


def test_the_start_page_follows_the_course_until_the_student_edits_it(make_course) -> None:
    course = make_course(TINY_COURSE, TINY_FILES)
    root = course.root / "workspace"
    build_workspace(course, root)
    page = root / START_PAGE
    text = page.read_text(encoding="utf-8")
    assert "# Welcome to Tiny course" in text and "`tiny-hub/`" in text
    assert "cd tiny-hub" in text and "grader check" in text and "make lab" in text
    assert not re.search(r"\b(simply|just|obviously)\b", text, re.IGNORECASE)

    second = TINY_COURSE.split("[[assignment]]", 1)[1].replace('"tiny-hub"', '"second-hub"')
    course = _add_to_manifest(course, "[[assignment]]" + second)
    report = build_workspace(course, root)
    assert _actions(report)[START_PAGE] == "updated" and "`second-hub/`" in page.read_text()

    page.write_text(page.read_text() + "\nMy notes.\n", encoding="utf-8")
    edited = page.read_bytes()
    manifest = course.root / "course.toml"
    manifest.write_text(manifest.read_text().replace("Tiny course", "Renamed course"))
    report = build_workspace(load_course(course.root), root)
    assert _actions(report)[START_PAGE] == "kept" and page.read_bytes() == edited

    page.unlink()
    build_workspace(load_course(course.root), root)
    assert "# Welcome to Renamed course" in page.read_text(encoding="utf-8")


def test_the_lab_config_keeps_validate_and_turns_off_the_instructor_tools(make_course) -> None:
    course = make_course(TINY_COURSE.split("[[assignment]]")[0])
    root = course.root / "workspace"
    build_workspace(course, root)
    config = root / CONFIG_DIR
    page = json.loads((config / "labconfig" / "page_config.json").read_text())
    disabled = {name for name, off in page["disabledExtensions"].items() if off}
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= disabled
    assert "@jupyter/nbgrader:validate-assignment" not in disabled
    server = json.loads((config / "jupyter_server_config.json").read_text())
    extensions = server["ServerApp"]["jpserver_extensions"]
    assert extensions["nbgrader.server_extensions.formgrader"] is False
    assert "nbgrader.server_extensions.validate_assignment" not in extensions
    assert server["ServerApp"]["root_dir"] == str(root.resolve())
    assert server["LabApp"]["default_url"] == f"/lab/tree/{START_PAGE}"
    assert Path(server["LabApp"]["user_settings_dir"]).is_relative_to(root.resolve())

    (config / "labconfig" / "page_config.json").write_text("{}")
    mine = next((config / "lab" / "user-settings").rglob("*.jupyterlab-settings"))
    mine.write_text('{"defaultViewers": {}}')
    build_workspace(course, root)
    assert "disabledExtensions" in json.loads((config / "labconfig" / "page_config.json")
                                              .read_text()), "generated config is rewritten"
    assert mine.read_text() == '{"defaultViewers": {}}', "the student's settings are kept"


def test_the_turned_off_extensions_exist_in_the_installed_packages() -> None:
    """A name that matches nothing would turn nothing off: nbgrader's plugins, and whole
    extensions (jupytext) by their package names."""
    bundles = [p for d in jupyter_path("labextensions")
               for p in Path(d, "@jupyter", "nbgrader", "static").glob("*.js")]
    assert bundles, "nbgrader's JupyterLab extension is installed"
    code = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in bundles)
    for plugin in (*LAB_DISABLED, "@jupyter/nbgrader:validate-assignment"):
        if plugin.startswith("@jupyter/nbgrader:"):
            assert f'"{plugin}"' in code, f"no plugin {plugin} in nbgrader's lab extension"
        else:
            assert any(Path(d, plugin, "package.json").is_file()
                       for d in jupyter_path("labextensions")), f"no lab extension {plugin}"
    for module in (*SERVER_DISABLED, "nbgrader.server_extensions.validate_assignment"):
        assert importlib.util.find_spec(module) is not None, module


def test_cli_prints_what_it_added_and_what_it_kept(make_course, capsys) -> None:
    course = make_course(TINY_COURSE, TINY_FILES)
    args = ["workspace", "--course", str(course.root), "--out", str(course.root / "ws")]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert re.search(r"tiny-hub\s*│\s*added", first)
    assert main(args) == 0
    assert re.search(r"tiny-hub\s*│\s*kept", capsys.readouterr().out)
