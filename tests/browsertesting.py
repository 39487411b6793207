"""Real-browser helpers for the tests: Debian's chromium under Playwright, and JupyterLab.

Playwright drives ``/usr/bin/chromium`` (installed by scripts/install-system-packages,
never a downloaded browser) with a fresh profile. JupyterLab runs on a free port with a
token, its configuration, data, settings and runtime directories inside the test's
temporary directory. Screenshots go under ``build/screenshots/<test>/`` (git-ignored).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from hubtesting import REPO, free_port

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "build" / "screenshots"
#: Chromium's switches: no sandbox (we may run as root in a container), nothing that
#: phones home, a GPU-less software renderer.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=(
    "Debian's chromium is not installed (/usr/bin/chromium): as root, "
    "apt-get install -y chromium"))


@dataclass
class Lab:
    """A running JupyterLab: its URL (with nothing after the port), root, token and log."""

    url: str
    root: Path
    token: str
    log: Path


@contextlib.contextmanager
def running_lab(root: Path, tmp_path: Path, *, token: str = "course-test",
                env: dict[str, str] | None = None) -> Iterator[Lab]:
    """Start JupyterLab showing ``root``; stop it (and its kernels) afterwards."""
    news = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True, exist_ok=True)  # no "Jupyter news?" prompt over the screenshots
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port = free_port()
    environment = {**os.environ,
                   "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
                   "JUPYTER_DATA_DIR": str(tmp_path / "data"),
                   "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
                   "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
                   "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
                   "PYTHONPATH": str(REPO)}
    environment.pop("JUPYTER_CONFIG_PATH", None)
    environment.update(env or {})
    log = tmp_path / "lab.log"
    command = [str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser",
               "--allow-root", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    with open(log, "w") as out:
        server = subprocess.Popen(command, cwd=root, env=environment, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_for_lab(url, token, server, log)
        yield Lab(url, root, token, log)
    finally:
        _stop(server)


def _wait_for_lab(url: str, token: str, server: subprocess.Popen, log: Path,
                  timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"{url}/api/status", params={"token": token}, timeout=2).is_success:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"JupyterLab did not answer in {timeout} s:\n{log.read_text()[-3000:]}")


def _stop(server: subprocess.Popen) -> None:
    """Stop JupyterLab and its kernels (one process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)  # a kernel left behind


@contextlib.contextmanager
def chromium_page(tmp_path: Path, shots: Path) -> Iterator:
    """Debian's chromium under Playwright, with a fresh profile in ``tmp_path``; the page
    keeps what its console logged, and saves screenshots into ``shots``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000})
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.console_lines = []  # what the page logged, shown when a step fails
            page.steps = Steps(page, shots)
            page.on("console", lambda message: page.console_lines.append(
                f"{message.type}: {message.text}"))
            yield page
        finally:
            context.close()


@dataclass
class Steps:
    """The steps of a browser test: how long each took, and a screenshot when one fails."""

    page: object
    shots: Path
    times: list[str] = field(default_factory=list)

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
            self.times.append(f"{name} {time.monotonic() - started:.1f} s")
        except Exception as exc:
            path = self.shot(f"failed-{name}")
            console = "\n".join(self.page.console_lines[-40:])
            raise AssertionError(f"step {name!r} failed ({exc}); screenshot {path}; "
                                 f"the page's console:\n{console}") from exc

    def shot(self, name: str, element=None) -> Path:
        """Save a screenshot of the page (or of one ``element``) as ``<shots>/<name>.png``."""
        self.shots.mkdir(parents=True, exist_ok=True)
        path = self.shots / f"{name}.png"
        (element or self.page).screenshot(path=str(path))
        return path


def wait_for_kernel(page) -> None:
    """Wait until the notebook's kernel is connected and idle (the status bar says so for
    half a second: the indicator also reads idle for a moment before the kernel starts)."""
    page.wait_for_function(
        """() => {
            const bar = [...document.querySelectorAll('.jp-StatusBar-TextItem')]
                .some((item) => /ipykernel\\) \\| Idle/.test(item.textContent));
            const now = performance.now();
            window.__idleSince = bar ? (window.__idleSince ?? now) : undefined;
            return bar && now - window.__idleSince > 500;
        }""", polling=100)


def run_cell(page, index: int) -> None:
    """Click into cell ``index`` (from 0), run it with Shift+Enter and wait until it has
    run (its prompt shows a number); fail with the traceback if it raised."""
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    prompt = cell.locator(".jp-InputPrompt").element_handle()
    page.wait_for_function("(el) => /\\[\\d+\\]/.test(el.textContent)", arg=prompt)
    error = cell.locator(".jp-OutputArea-output[data-mime-type*='stderr']")
    if error.count():
        pytest.fail(f"cell {index + 1} raised:\n{error.first.inner_text()}")
