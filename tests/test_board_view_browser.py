"""The live board view in a real JupyterLab, driven by a headless Chromium.

JupyterLab runs on a free port with a token, in a temporary root directory, with its
configuration, data, settings and runtime directories isolated. Playwright drives Debian's
``/usr/bin/chromium`` (never a downloaded browser) with a fresh profile. The notebook shows
an Uno running ``blink`` in realtime mode (10 Hz), a second cell prints the button part's
value, a third shows an Uno running ``command_listener``. The test sees the LED change in
the page, holds the widget's button (the kernel's part is pressed, then counts one press),
and types a line into the serial monitor (the sketch answers ``OK``). Screenshots go to
``build/screenshots/board-view/`` (git-ignored); the test prints their paths and the update
rate it measured in the page.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import nbformat
import pytest
from hubtesting import REPO, free_port

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO / "build" / "screenshots" / "board-view"
TOKEN = "board-view-test"
#: Chromium's switches: no sandbox (we may run as root in a container), nothing that
#: phones home, a GPU-less software renderer.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=(
        "Debian's chromium is not installed (/usr/bin/chromium): as root, "
        "apt-get install -y chromium")),
]

CELLS = [
    # 1: a Uno blinking at 10 Hz (50 ms on, 50 ms off) in realtime mode, and its view
    'from simulators import World\n'
    'world = World(seed=1, clock="realtime")\n'
    'uno = world.add_uno("blink", params={"interval": 50})\n'
    'uno.view()',
    # 2: the kernel's own idea of the button
    'button = uno.parts["button"]\n'
    'print(f"presses={button.presses} pressed={button.is_pressed}")',
    # 3: a second Uno that obeys text commands, and its view
    'listener = world.add_uno("command_listener", name="cmd")\n'
    'listener.view()',
]


@dataclass
class Lab:
    """A running JupyterLab: its URL (with nothing after the port) and its log."""

    url: str
    root: Path
    log: Path


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    """JupyterLab on a free port, everything it writes inside ``tmp_path``."""
    with running_lab(tmp_path) as running:
        yield running


@contextlib.contextmanager
def running_lab(tmp_path: Path) -> Iterator[Lab]:
    """Start JupyterLab on the test notebook; stop it (and its kernels) afterwards."""
    root = tmp_path / "root"
    root.mkdir()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, root / "board.ipynb")
    news = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)  # no "Would you like to get Jupyter news?" over the screenshots
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port = free_port()
    env = {**os.environ,
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
           "PYTHONPATH": str(REPO)}
    env.pop("JUPYTER_CONFIG_PATH", None)
    log = tmp_path / "lab.log"
    command = [str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser",
               "--allow-root", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
               f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    with open(log, "w") as out:
        server = subprocess.Popen(command, cwd=root, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_for_lab(url, server, log)
        yield Lab(url, root, log)
    finally:
        _stop(server)


def _wait_for_lab(url: str, server: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"{url}/api/status", params={"token": TOKEN}, timeout=2).is_success:
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


@pytest.fixture
def page(tmp_path: Path) -> Iterator:
    """A Chromium page (Debian's chromium, a fresh profile)."""
    with chromium_page(tmp_path) as running:
        yield running


@contextlib.contextmanager
def chromium_page(tmp_path: Path) -> Iterator:
    """Debian's chromium under Playwright, with a fresh profile in ``tmp_path``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000})
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.console_lines = []  # what the page logged, shown when a step fails
            page.step_times = []  # how long each step of the test took
            page.on("console", lambda message: page.console_lines.append(
                f"{message.type}: {message.text}"))
            yield page
        finally:
            context.close()


def _wait_for_kernel(page) -> None:
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


def _run_cell(page, index: int) -> None:
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


@contextlib.contextmanager
def _step(page, name: str) -> Iterator[None]:
    """One step of the test: when it fails, save a screenshot and show the page's console."""
    started = time.monotonic()
    try:
        yield
        page.step_times.append(f"{name} {time.monotonic() - started:.1f} s")
    except Exception as exc:
        path = _shot(page, f"failed-{name}")
        console = "\n".join(page.console_lines[-40:])
        raise AssertionError(f"step {name!r} failed ({exc}); screenshot {path}; "
                             f"the page's console:\n{console}") from exc


def _shot(page, name: str, element=None) -> Path:
    """Save a screenshot of the page (or of one ``element``) as ``SHOTS/<name>.png``."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    (element or page).screenshot(path=str(path))
    return path


def test_the_board_view_lives_in_jupyterlab(lab: Lab, page) -> None:
    shots = []
    page.set_default_timeout(30_000)
    with _step(page, "open"):
        page.goto(f"{lab.url}/lab/tree/board.ipynb?token={TOKEN}")
        page.wait_for_selector(".jp-Notebook .jp-Cell")
        _wait_for_kernel(page)

    with _step(page, "blink"):  # realtime blink: the LED's element changes state in the page
        _run_cell(page, 0)
        led = ".b2b-view [data-part='uno/builtin']"
        page.wait_for_selector(led)
        page.wait_for_function(
            """(selector) => {
                const led = document.querySelector(selector);
                window.__ledStates = window.__ledStates || new Set();
                window.__ledStates.add(led.classList.contains('on'));
                return window.__ledStates.size === 2;
            }""", arg=led, polling="raf")
        view = page.locator(".b2b-view").first
        first, start = int(view.get_attribute("data-updates")), time.monotonic()
        page.wait_for_timeout(3000)
        rate = (int(view.get_attribute("data-updates")) - first) / (time.monotonic() - start)
        shots.append(_shot(page, "1-blink"))

    with _step(page, "button"):  # hold the widget's button: the kernel's part is pressed
        hold = page.locator(".b2b-view button.b2b-hold[data-target='uno/button']")
        hold.hover()
        page.mouse.down()
        status = page.locator(".b2b-view [data-text='uno/button:text']").first.element_handle()
        page.wait_for_function("(el) => el.textContent.startsWith('pressed')", arg=status)
        shots.append(_shot(page, "2-button-held", page.locator(".b2b-view").first))
        page.mouse.up()
        page.wait_for_function("(el) => el.textContent.startsWith('released · 1 press')",
                               arg=status)
        _run_cell(page, 1)
        output = page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".jp-OutputArea-output")
        output.wait_for()
        assert "presses=1 pressed=False" in output.inner_text()

    with _step(page, "serial"):  # a typed line reaches command_listener; its OK comes back
        _run_cell(page, 2)
        monitor = page.locator(".b2b-monitor[data-board='cmd']")
        monitor.wait_for()
        lines = monitor.locator(".b2b-lines").element_handle()
        page.wait_for_function("(el) => el.textContent.includes('ready')", arg=lines)
        monitor.locator("input[type=text]").fill("LED ON")
        monitor.locator("input[type=text]").press("Enter")
        page.wait_for_function("(el) => el.textContent.includes('OK LED ON')", arg=lines)
        page.wait_for_selector(".b2b-view [data-part='cmd/led'].on")  # the sketch obeyed
        shots.append(_shot(page, "3-serial-monitor", page.locator(".b2b-view").nth(1)))

    print(f"\nboard view: {rate:.1f} updates/s in the page for a 10 Hz blink (realtime)")
    print(f"steps: {', '.join(page.step_times)}")
    for path in shots:
        print(f"screenshot: {path}")
    assert rate > 0
    shutil.copy(lab.log, SHOTS / "jupyterlab.log")
