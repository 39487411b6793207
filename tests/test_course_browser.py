"""The course as its readers see it, in a real browser (Debian's chromium, Playwright).

- The site: `mkdocs build --strict` (every page, link, anchor and included snippet
  resolves; the notebooks are rendered from their released versions), served over HTTP,
  then opened: the home page, search, a Django tab chosen on one page staying chosen on
  the next, and a rendered notebook with no solution in it.
- The students' lab: the workspace `make lab` builds, JupyterLab started on it as `make lab`
  starts it (the workspace's own .jupyter configuration), notebook 01 opened and its first
  cells run up to the first exercise's test: the simulated board's output is in the page.

Screenshots go to build/screenshots/course-site/ and build/screenshots/course-lab/ (the
test prints their paths).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from browsertesting import (
    SCREENSHOTS,
    chromium_page,
    needs_chromium,
    running_lab,
    wait_for_kernel,
)
from hubtesting import REPO, free_port

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built strict into a temporary directory."""
    out = tmp_path_factory.mktemp("site") / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr[-5000:]
    return out


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    """The built site served over HTTP on a free port (search needs HTTP, not file://)."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    port = free_port()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


def test_site_builds_strict(site: Path) -> None:
    """Every lesson is a page and every notebook is rendered, without its solutions."""
    assert (site / "index.html").is_file()
    lessons = sorted(p.stem for p in (REPO / "lessons").glob("[0-9][0-9]-*.md"))
    for lesson in lessons:
        assert (site / lesson / "index.html").is_file(), f"{lesson} is not in the site"
    for notebook in sorted((REPO / "notebooks").glob("*/*.ipynb")):
        page = site / "notebooks" / notebook.stem / "index.html"
        assert page.is_file(), f"{notebook.name} is not rendered into the site"
        text = page.read_text()
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
        download = page.parent / notebook.name
        assert download.is_file(), f"{notebook.name} cannot be downloaded from its page"
        assert "BEGIN SOLUTION" not in download.read_text()


@needs_chromium
def test_the_site_in_a_browser(site_url: str, tmp_path: Path) -> None:
    shots = SCREENSHOTS / "course-site"
    with chromium_page(tmp_path, shots) as page:
        page.set_default_timeout(30_000)
        step = page.steps
        with step("home"):
            page.goto(f"{site_url}/")
            assert "Blink to Backend" in page.title()
            page.locator("nav.md-tabs").get_by_text("Part 1 Flask").wait_for()
            step.shot("1-home")

        with step("search"):
            search = page.locator("input.md-search__input")
            search.click()
            # Typed key by key, as a reader does: the search runs on each key.
            search.press_sequentially("baud rate", delay=80)
            results = page.locator(".md-search-result__item")
            results.first.wait_for()
            titles = page.locator(".md-search-result__list").inner_text()
            assert "Glossary" in titles or "Talking to an Arduino" in titles, titles
            step.shot("2-search")
            page.keyboard.press("Escape")

        with step("linked-tabs"):
            page.goto(f"{site_url}/12-django-hub/")
            page.locator(".tabbed-labels label", has_text="Django").first.click()
            page.goto(f"{site_url}/contract/")
            tabs = page.locator(".tabbed-set").first
            checked = tabs.evaluate(
                "(set) => { const input = set.querySelector(':scope > input:checked');"
                " return set.querySelector(`label[for='${input.id}']`).textContent; }")
            assert checked.strip() == "Django", f"the tab shown is {checked!r}"
            step.shot("3-django-tab-kept")

        with step("notebook"):
            page.goto(f"{site_url}/notebooks/01-serial/")
            page.locator(".jp-Notebook, .jupyter-wrapper").first.wait_for()
            assert page.locator(".jp-CodeCell, .jp-Cell.jp-CodeCell").count() > 3
            assert "BEGIN SOLUTION" not in page.content()
            page.get_by_role("link", name="download this notebook").first.wait_for()
            step.shot("4-notebook")
    print(f"\nsite: {', '.join(page.steps.times)}")
    for path in sorted(shots.glob("[0-9]-*.png")):
        print(f"screenshot: {path}")


@needs_chromium
def test_notebook_01_runs_in_the_students_lab(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    subprocess.run([sys.executable, "-m", "grader", "workspace", "--out", str(workspace)],
                   cwd=REPO, check=True, capture_output=True, timeout=300)
    notebook = workspace / "01-serial" / "01-serial.ipynb"
    cells = json.loads(notebook.read_text())["cells"]
    # Run every cell up to the first test cell: a student's first ten minutes.
    first_test = next(i for i, c in enumerate(cells)
                      if c["metadata"].get("nbgrader", {}).get("grade"))
    shots = SCREENSHOTS / "course-lab"
    env = {"JUPYTER_CONFIG_PATH": str(workspace / ".jupyter")}
    with (running_lab(workspace, tmp_path, env=env) as lab,
          chromium_page(tmp_path, shots) as page):
        page.set_default_timeout(60_000)
        step = page.steps
        with step("open"):
            page.goto(f"{lab.url}/lab/tree/01-serial/01-serial.ipynb?token={lab.token}")
            page.wait_for_selector(".jp-Notebook .jp-Cell")
            wait_for_kernel(page)
        with step("run"):
            page.locator(".jp-Notebook .jp-Cell").first.locator(".jp-Cell-inputWrapper").click()
            page.keyboard.press("Escape")  # command mode: Shift+Enter runs and moves on
            for _ in range(first_test):
                page.keyboard.press("Shift+Enter")
                page.wait_for_timeout(150)
            wait_for_kernel(page)
            errors = page.locator(".jp-OutputArea-output[data-mime-type*='stderr'], "
                                  ".jp-RenderedText[data-mime-type*='error']")
            assert not errors.count(), errors.first.inner_text()
        with step("board-output"):
            # what the board sent through pyserial (its banner), and the board view
            banner = page.locator(".jp-OutputArea-output", has_text="# Blink to Backend Uno")
            banner.first.wait_for()
            page.locator(".b2b-view").first.wait_for()
            step.shot("1-notebook-01-run")
            page.locator(".b2b-view").first.scroll_into_view_if_needed()
            step.shot("2-notebook-01-board-view")
    print(f"\nlab: {', '.join(page.steps.times)}")
    for path in sorted(shots.glob("[0-9]-*.png")):
        print(f"screenshot: {path}")
