"""`grader release`: starters and notebooks, as students receive them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import nbformat
import pytest

from grader.__main__ import main
from grader.course import Assignment, Course, load_course
from grader.errors import MarkerError
from grader.markers import has_markers
from grader.release import Released, release, release_project

REPO = Path(__file__).resolve().parents[2]

IMPORT_CHECK = {
    "flask": [sys.executable, "-c", "from hub import create_app; create_app()"],
    "django": [sys.executable, "manage.py", "check"],
}


def _projects() -> list[Assignment]:
    """The course's project assignments whose starter exists already."""
    course = load_course(REPO)
    return [a for a in course.assignments.values()
            if a.is_project and a.source is not None and (a.source / "hub").is_dir()]


PROJECTS = _projects()


@pytest.fixture(scope="module", params=PROJECTS, ids=lambda a: a.name)
def released(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Released:
    """Each project assignment, released once into a temporary directory."""
    return release_project(request.param, out=tmp_path_factory.mktemp("release"))


def _child_env() -> dict[str, str]:
    """An environment for running a released starter as a student would."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "HUB_", "DJANGO_")) and k != "PYTHONPATH"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def test_no_solution_marker_survives(released: Released) -> None:
    texts = [p.read_text(encoding="utf-8", errors="replace")
             for p in released.directory.rglob("*") if p.is_file()]
    assert texts and not any(has_markers(t) or "BEGIN SOLUTION" in t for t in texts)
    assert released.stripped, "the reference starter has solution blocks to strip"


def test_stripped_files_name_the_stage_and_where_it_is_taught(released: Released) -> None:
    assignment = load_course(REPO).get(released.assignment)
    references = assignment.stage_references()
    for name in released.stripped:
        text = (released.directory / name).read_text(encoding="utf-8")
        assert "# TODO stage " in text
        stubs = re.findall(
            r'raise NotImplementedError\("stage (\d): write [\w.]+\(\) - see the lesson (.+?)"\)',
            text,
        )
        for stage, where in stubs:
            assert where == references[int(stage)], f"{name}: stage {stage} says {where}"
    every = "".join((released.directory / n).read_text(encoding="utf-8") for n in released.stripped)
    assert len(re.findall(r"raise NotImplementedError\(", every)) >= 10


def test_hidden_tests_are_left_out_and_public_tests_kept(released: Released) -> None:
    assignment = load_course(REPO).get(released.assignment)
    contract = released.directory / "contract"
    assert not (contract / "hidden").exists()
    assert (contract / "openapi.yaml").read_bytes() == (
        assignment.contract / "openapi.yaml").read_bytes()
    public = sorted(p.name for p in (assignment.contract / "tests").glob("test_*.py"))
    assert public and sorted(p.name for p in (contract / "tests").glob("test_*.py")) == public
    hidden = {p.read_bytes() for p in (assignment.contract / "hidden").rglob("*.py")}
    shipped = {p.read_bytes() for p in released.directory.rglob("*.py")}
    assert not hidden & shipped


def test_local_state_is_not_shipped(released: Released) -> None:
    parts = {part for p in released.directory.rglob("*") for part in p.parts}
    assert not parts & {"__pycache__", "instance", ".pytest_cache", ".venv"}
    assert not list(released.directory.rglob("*.sqlite3"))


def test_zip_lists_the_released_files(released: Released) -> None:
    with zipfile.ZipFile(released.zip_path) as archive:
        names = sorted(archive.namelist())
    on_disk = sorted(f"{released.assignment}/{p.relative_to(released.directory).as_posix()}"
                     for p in released.directory.rglob("*") if p.is_file())
    assert names == on_disk


def test_released_starter_imports(released: Released) -> None:
    framework = load_course(REPO).get(released.assignment).framework
    done = subprocess.run(IMPORT_CHECK[framework], cwd=released.directory, env=_child_env(),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


def test_public_tests_run_and_fail_where_work_is_left(released: Released, tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"],
        cwd=released.directory, env=_child_env(), capture_output=True, text=True, timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    cases = ET.parse(report).getroot().iter("testcase")
    outcome = {f"{c.get('classname')}.{c.get('name')}":
               not any(child.tag in ("failure", "error", "skipped") for child in c)
               for c in cases}
    contract = [passed for name, passed in outcome.items() if name.startswith("contract.")]
    assert contract and not any(contract), "at the release no contract test passes"
    assert any("test_health" in name for name in outcome)


def test_unbalanced_markers_name_the_file_and_line(make_course) -> None:
    course = make_course(_project_manifest(), {
        "starter/hub/__init__.py": "",
        "starter/hub/views.py": """
            def index():
                ### BEGIN SOLUTION
                return "hello"
            """,
        "contract/openapi.yaml": "openapi: 3.1.0\n",
    })
    with pytest.raises(MarkerError, match=r"starter/hub/views\.py:2: .*never closed"):
        release(course, ["demo-hub"], out=course.root / "out")


def test_markers_in_other_files_are_refused(make_course) -> None:
    course = make_course(_project_manifest(), {
        "starter/hub/__init__.py": "",
        "starter/templates/index.html": "<p>\n### BEGIN SOLUTION\nsecret\n### END SOLUTION\n",
        "contract/openapi.yaml": "openapi: 3.1.0\n",
    })
    with pytest.raises(MarkerError, match=r"templates/index\.html:2: .*only stripped from Python"):
        release(course, ["demo-hub"], out=course.root / "out")


def test_hidden_directory_is_never_copied(make_course) -> None:
    course = make_course(_project_manifest(), {
        "starter/hub/__init__.py": "def f():\n    ### BEGIN SOLUTION\n    return 1\n"
                                   "    ### END SOLUTION\n",
        "contract/openapi.yaml": "openapi: 3.1.0\n",
        "contract/conftest.py": "",
        "contract/tests/test_public.py": "def test_public():\n    pass\n",
        "contract/hidden/test_secret.py": "def test_secret():\n    pass\n",
    })
    (result,) = release(course, ["demo-hub"], out=course.root / "out")
    files = set(result.files)
    assert {"contract/tests/test_public.py", "contract/conftest.py", "hub/__init__.py"} <= files
    assert not any("secret" in name or "hidden" in name for name in files)


def test_notebook_release_clears_solutions_and_hidden_tests(released_demo) -> None:
    _, out, course_dir = released_demo
    notebook = nbformat.read(out / "demo" / "demo.ipynb", as_version=4)
    text = json.dumps(notebook)
    assert "BEGIN SOLUTION" not in text and "i * i" not in text
    assert "BEGIN HIDDEN TESTS" not in text and "squares(5)" not in text
    assert "raise NotImplementedError()" in text
    assert "assert squares(3) == [0, 1, 4]" in text
    assert zipfile.ZipFile(out / "demo.zip").namelist() == ["demo/demo.ipynb"]
    assert (course_dir / "gradebook.db").is_file()


def test_cli_release_and_a_clear_error(repo_course: Course, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["release", "no-such-assignment", "--course", str(repo_course.root)]) == 1
    err = capsys.readouterr().err
    assert "No assignment 'no-such-assignment'" in err and "Traceback" not in err
    if PROJECTS:
        name = PROJECTS[0].name
        assert main(["release", name, "--out", str(tmp_path), "--course",
                     str(repo_course.root)]) == 0
        assert (tmp_path / f"{name}.zip").is_file()


def test_every_command_has_help_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("release", "grade", "export", "check"):
        with pytest.raises(SystemExit) as exit_info:
            main([command, "--help"])
        assert exit_info.value.code == 0
        assert "examples:" in capsys.readouterr().out


def _project_manifest() -> str:
    """A course.toml with one project assignment in starter/ with contract/."""
    return """
        [course]
        id = "made"

        [[assignment]]
        name = "demo-hub"
        kind = "project"
        source = "starter"
        contract = "contract"
        framework = "flask"
        lesson = "lessons/demo.md"
        """


def test_grader_check_runs_in_the_released_starter(released: Released) -> None:
    from grader.check import run_check

    report = run_check(released.directory, pytest_args=["contract/tests/test_health.py"])
    assert report.tests and not report.all_passed  # health is stage 1's first stub
    assert report.possible == sum(t.points for t in report.tests) > 0


def test_released_readme_says_how_to_check(released: Released) -> None:
    readme = (released.directory / "README.md").read_text(encoding="utf-8")
    assert "python -m pytest" in readme and "grader check" in readme


def test_scripts_stay_on_path_while_any_thread_needs_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """The site's build releases notebooks in threads: one leaving must not take `alembic`
    off the PATH of another still releasing."""
    import os
    import sys
    import threading

    from grader.nbconfig import scripts_on_path

    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    scripts = str(Path(sys.executable).parent)
    inside, first_left = threading.Event(), threading.Event()
    seen = []

    def short() -> None:
        with scripts_on_path():
            inside.wait(5)
        first_left.set()

    def long() -> None:
        with scripts_on_path():
            inside.set()
            first_left.wait(5)
            seen.append(os.environ["PATH"].split(os.pathsep)[0])

    threads = [threading.Thread(target=short), threading.Thread(target=long)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == [scripts]
    assert os.environ["PATH"] == "/usr/bin:/bin"
