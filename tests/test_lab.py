"""`make lab` opens the students' workspace in JupyterLab, `make lab-instructor` the sources.

Each lab runs without a browser on a free port, and is stopped at the end. The student lab
uses a workspace in a temporary directory (WORKSPACE=...), so a developer's own workspace/
is never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from hubtesting import REPO, free_port
from tornado.websocket import websocket_connect

TOKEN = "lab-test"
INSTRUCTOR_PLUGINS = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"}
VALIDATE_PLUGIN = "@jupyter/nbgrader:validate-assignment"


@dataclass
class Lab:
    """A running `make lab...`: its base URL and the log of its output."""

    url: str
    log: Path

    def get(self, path: str, params: dict | None = None, **kwargs) -> httpx.Response:
        """GET `path` with the lab's token."""
        return httpx.get(f"{self.url}{path}", params={"token": TOKEN, **(params or {})},
                         timeout=10, **kwargs)

    def page_config(self) -> dict:
        """The page config JupyterLab embeds in its page (which plugins are disabled)."""
        page = self.get("/lab")
        found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)'
                          r"</script>", page.text, re.DOTALL)
        assert found, page.text[:2000]
        return json.loads(found.group(1))

    def names(self, path: str = "") -> set[str]:
        """The names the contents API lists in `path`."""
        answer = self.get(f"/api/contents/{path}")
        assert answer.status_code == 200, answer.text
        return {item["name"] for item in answer.json()["content"]}


def _run_lab(target: str, tmp: Path, *make_args: str) -> Iterator[Lab]:
    """Start `make <target>` on a free port, wait for JupyterLab, yield it, then stop it."""
    port = free_port()
    options = f"--no-browser --ServerApp.port={port} --IdentityProvider.token={TOKEN}"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp / "runtime")}
    env.pop("JUPYTER_CONFIG_PATH", None)
    log_path = tmp / f"{target}.log"
    with open(log_path, "w") as log:
        lab = subprocess.Popen(
            ["make", "--no-print-directory", target, f"LAB_OPTS={options}", *make_args],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline, answer = time.monotonic() + 300, None
        while time.monotonic() < deadline and lab.poll() is None:
            try:
                answer = httpx.get(f"{url}/lab", params={"token": TOKEN}, timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.5)
        output = log_path.read_text(errors="replace")
        assert answer is not None, f"make {target} did not serve JupyterLab:\n{output[-5000:]}"
        assert answer.status_code == 200 and "JupyterLab" in answer.text
        yield Lab(url, log_path)
    finally:
        _stop_group(lab)


def _stop_group(process: subprocess.Popen, timeout: float = 30) -> None:
    """Stop `process` and everything in its process group (make, then JupyterLab)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)  # JupyterLab still shutting down?
        except ProcessLookupError:
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the student lab's workspace goes (made by `make lab` itself)."""
    return tmp_path_factory.mktemp("student") / "workspace"


@pytest.fixture(scope="module")
def student_lab(workspace: Path) -> Iterator[Lab]:
    """`make lab` with WORKSPACE in a temporary directory."""
    yield from _run_lab("lab", workspace.parent, f"WORKSPACE={workspace}")


@pytest.fixture(scope="module")
def instructor_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """`make lab-instructor`, on the repository."""
    yield from _run_lab("lab-instructor", tmp_path_factory.mktemp("instructor"))


def test_make_lab_builds_the_workspace_with_the_released_starters(
        student_lab: Lab, workspace: Path) -> None:
    for starter in ("flask-hub", "django-hub"):
        files = [p for p in (workspace / starter).rglob("*") if p.is_file()]
        assert (workspace / starter / "contract" / "openapi.yaml") in files
        assert not (workspace / starter / "contract" / "hidden").exists()
        assert not [p for p in files if b"### BEGIN SOLUTION" in p.read_bytes()]
    assert (workspace / "START.md").is_file()


def test_the_student_lab_serves_the_workspace_not_the_repository(student_lab: Lab) -> None:
    names = student_lab.names()
    assert {"START.md", "flask-hub", "django-hub"} <= names
    assert not names & {"Makefile", "course.toml", "starter", "grader", ".jupyter"}
    assert "hub" in student_lab.names("flask-hub")


def test_the_student_lab_opens_the_start_page(student_lab: Lab) -> None:
    answer = student_lab.get("/", follow_redirects=False)
    assert answer.status_code == 302
    assert answer.headers["location"].startswith("/lab/tree/START.md")
    start = student_lab.get("/api/contents/START.md")
    assert start.status_code == 200 and "grader check" in start.json()["content"]


def test_the_student_lab_has_validate_and_no_instructor_tools(student_lab: Lab) -> None:
    disabled = set(student_lab.page_config()["disabledExtensions"])
    assert INSTRUCTOR_PLUGINS <= disabled and VALIDATE_PLUGIN not in disabled
    assert student_lab.get("/formgrader").status_code == 404
    assert student_lab.get("/nbgrader_version", params={"version": "0"}).status_code == 200


def test_a_student_terminal_starts_in_the_workspace_with_grader(
        student_lab: Lab, workspace: Path) -> None:
    created = httpx.post(f"{student_lab.url}/api/terminals", params={"token": TOKEN},
                         json={"cwd": ""}, timeout=10)
    assert created.status_code == 200, created.text
    name = created.json()["name"]
    try:
        output = asyncio.run(_terminal_says(
            f"{student_lab.url.replace('http', 'ws')}/terminals/websocket/{name}?token={TOKEN}",
            'echo "HERE=$(pwd) GRADER=$(command -v grader)"\r', until="GRADER=/",
        ))
    finally:
        httpx.delete(f"{student_lab.url}/api/terminals/{name}", params={"token": TOKEN},
                     timeout=10)
    found = re.search(r"HERE=(/\S*) GRADER=(/\S+)", output)
    assert found, output
    assert Path(found.group(1)).resolve() == workspace.resolve()
    assert Path(found.group(2)) == REPO / ".venv" / "bin" / "grader"


async def _terminal_says(url: str, command: str, *, until: str, timeout: float = 30) -> str:
    """Type `command` into a JupyterLab terminal; return its output once `until` is printed."""
    socket = await websocket_connect(url)
    output, deadline = "", time.monotonic() + timeout
    try:
        socket.write_message(json.dumps(["stdin", command]))
        while until not in output:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"the terminal did not answer:\n{output}"
            message = await asyncio.wait_for(socket.read_message(), remaining)
            assert message is not None, f"the terminal closed:\n{output}"
            kind, *payload = json.loads(message)
            if kind == "stdout":
                output += payload[0]
    finally:
        socket.close()
    return output


def test_make_lab_instructor_serves_the_sources_with_the_instructor_tools(
        instructor_lab: Lab) -> None:
    assert {"Makefile", "course.toml", "starter", "grader"} <= instructor_lab.names()
    disabled = set(instructor_lab.page_config()["disabledExtensions"])
    assert not disabled & (INSTRUCTOR_PLUGINS | {VALIDATE_PLUGIN})
    assert instructor_lab.get("/formgrader", follow_redirects=False).status_code in (200, 302)
