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

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from browsertesting import (
    SCREENSHOTS,
    Lab,
    chromium_page,
    needs_chromium,
    run_cell,
    running_lab,
    wait_for_kernel,
)

SHOTS = SCREENSHOTS / "board-view"
TOKEN = "board-view-test"

pytestmark = [pytest.mark.slow, needs_chromium]

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


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    """JupyterLab on a free port, showing the test notebook, everything it writes inside
    ``tmp_path``."""
    root = tmp_path / "root"
    root.mkdir()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, root / "board.ipynb")
    with running_lab(root, tmp_path, token=TOKEN) as running:
        yield running


@pytest.fixture
def page(tmp_path: Path) -> Iterator:
    """A Chromium page (Debian's chromium, a fresh profile)."""
    with chromium_page(tmp_path, SHOTS) as running:
        yield running


def test_the_board_view_lives_in_jupyterlab(lab: Lab, page) -> None:
    shots = []
    page.set_default_timeout(30_000)
    with page.steps("open"):
        page.goto(f"{lab.url}/lab/tree/board.ipynb?token={TOKEN}")
        page.wait_for_selector(".jp-Notebook .jp-Cell")
        wait_for_kernel(page)

    with page.steps("blink"):  # realtime blink: the LED's element changes state in the page
        run_cell(page, 0)
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
        shots.append(page.steps.shot("1-blink"))

    with page.steps("button"):  # hold the widget's button: the kernel's part is pressed
        hold = page.locator(".b2b-view button.b2b-hold[data-target='uno/button']")
        hold.hover()
        page.mouse.down()
        status = page.locator(".b2b-view [data-text='uno/button:text']").first.element_handle()
        page.wait_for_function("(el) => el.textContent.startsWith('pressed')", arg=status)
        shots.append(page.steps.shot("2-button-held", page.locator(".b2b-view").first))
        page.mouse.up()
        page.wait_for_function("(el) => el.textContent.startsWith('released · 1 press')",
                               arg=status)
        run_cell(page, 1)
        output = page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".jp-OutputArea-output")
        output.wait_for()
        assert "presses=1 pressed=False" in output.inner_text()

    with page.steps("serial"):  # a typed line reaches command_listener; its OK comes back
        run_cell(page, 2)
        monitor = page.locator(".b2b-monitor[data-board='cmd']")
        monitor.wait_for()
        lines = monitor.locator(".b2b-lines").element_handle()
        page.wait_for_function("(el) => el.textContent.includes('ready')", arg=lines)
        monitor.locator("input[type=text]").fill("LED ON")
        monitor.locator("input[type=text]").press("Enter")
        page.wait_for_function("(el) => el.textContent.includes('OK LED ON')", arg=lines)
        page.wait_for_selector(".b2b-view [data-part='cmd/led'].on")  # the sketch obeyed
        shots.append(page.steps.shot("3-serial-monitor", page.locator(".b2b-view").nth(1)))

    print(f"\nboard view: {rate:.1f} updates/s in the page for a 10 Hz blink (realtime)")
    print(f"steps: {', '.join(page.steps.times)}")
    for path in shots:
        print(f"screenshot: {path}")
    assert rate > 0
    shutil.copy(lab.log, SHOTS / "jupyterlab.log")
