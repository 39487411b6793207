"""Every lesson page has the course's shape (see CONTRIBUTING.md, "Adding a lesson").

A lesson is `lessons/NN-slug.md`: front matter with its minutes, an overview with questions
and objectives, exercises that each have a hint and a collapsible solution, a link to its
notebook where it has one, and key points last. And on every page of the site: no Python
listing typed into the page, only listings included from files that CI runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hubtesting import REPO

from grader.course import load_course

LESSONS_DIR = REPO / "lessons"
LESSONS = sorted(LESSONS_DIR.glob("[0-9][0-9]-*.md"))
PAGES = sorted(LESSONS_DIR.rglob("*.md"))
COURSE = load_course(REPO)

EXERCISE = re.compile(r'^!!! example "Exercise (\d+): [^"]+"\s*$', re.M)
PY_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?:python|py|pycon)\b[^\n]*\n(?P<body>.*?)^(?P=indent)```",
    re.M | re.S)
SNIPPET = re.compile(r'^--8<-- "(?P<path>[^":]+)(?::(?P<section>[\w-]+))?"$')
# Where an included Python listing may come from: code that CI runs.
TESTED_ROOTS = ("lessons/examples/", "starter/", "bench/", "simulators/", "grader/", "hubkit/",
                "mqttkit/", "deploy/")


def front_matter(page: Path) -> tuple[dict, str]:
    text = page.read_text()
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert match, f"{page.name}: starts with front matter between --- lines"
    return yaml.safe_load(match.group(1)) or {}, text[match.end():]


def block(body: str, start: int) -> str:
    """The indented lines that belong to the admonition starting at `start`."""
    lines = []
    for line in body[start:].splitlines()[1:]:
        if line.strip() and not line.startswith((" ", "\t")):
            break
        lines.append(line)
    return "\n".join(lines)


def test_there_are_lessons():
    assert len(LESSONS) >= 5


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.stem)
def test_front_matter_gives_title_and_minutes(page):
    meta, _ = front_matter(page)
    assert isinstance(meta.get("title"), str) and meta["title"]
    for key in ("teaching", "exercises"):
        assert isinstance(meta.get(key), int) and meta[key] > 0, f"{key}: minutes, a number"
    total = meta["teaching"] + meta["exercises"]
    assert 30 <= total <= 60, f"a lesson is 30-60 minutes of a learner's time, not {total}"


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.stem)
def test_overview_comes_first_with_questions_and_objectives(page):
    _, body = front_matter(page)
    first = body.lstrip()
    assert first.startswith('!!! abstract "Overview"'), "the page opens with the overview"
    overview = block(first, 0)
    assert "**Questions**" in overview and "**Objectives**" in overview


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.stem)
def test_exercises_have_a_hint_and_a_collapsible_solution(page):
    _, body = front_matter(page)
    exercises = list(EXERCISE.finditer(body))
    assert exercises, "a lesson has at least one exercise"
    numbers = [int(m.group(1)) for m in exercises]
    assert numbers == list(range(1, len(numbers) + 1)), f"exercises numbered 1, 2, ...: {numbers}"
    for match in exercises:
        text = block(body, match.start())
        assert re.search(r'^\s+\?\?\? tip "Hint', text, re.M), f"{match.group(0)}: no hint"
        assert re.search(r'^\s+\?\?\? success "Solution', text, re.M), (
            f"{match.group(0)}: no collapsible solution (??? success \"Solution\")")


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.stem)
def test_key_points_close_the_lesson(page):
    _, body = front_matter(page)
    starts = [m.start() for m in re.finditer(r"^[!?]{3} ", body, re.M)]
    key = re.search(r'^!!! success "Key points"\s*$', body, re.M)
    assert key, 'the lesson ends with !!! success "Key points"'
    assert key.start() == max(starts), "key points are the last admonition of the page"
    assert re.search(r"^\s+- \S", block(body, key.start()), re.M), "key points are a list"


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.stem)
def test_links_to_the_glossary(page):
    assert "(glossary.md#" in page.read_text(), "new terms link to the glossary"


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.stem)
def test_notebook_is_linked_and_listed_in_the_course(page):
    meta, body = front_matter(page)
    name = meta.get("notebook")
    relative = f"lessons/{page.name}"
    listed = [a.name for a in COURSE.assignments.values()
              if a.kind == "notebook" and a.lesson == relative]
    if name is None:
        assert not listed, f"course.toml gives this lesson the notebook(s) {listed}: say so"
        return
    assert listed == [name], f"course.toml: a notebook assignment {name!r} with lesson {relative!r}"
    assert (REPO / "notebooks" / name / f"{name}.ipynb").is_file()
    assert re.search(r"^## Your notebook\s*$", body, re.M), 'a "## Your notebook" section'
    assert f"(notebooks/{name}.ipynb)" in body, "the page links its rendered notebook"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(LESSONS_DIR)))
def test_python_listings_are_included_from_tested_files(page):
    """Every ```python block holds only `--8<--` lines naming code that CI runs."""
    for fence in PY_FENCE.finditer(page.read_text()):
        lines = [line.strip() for line in fence.group("body").splitlines() if line.strip()]
        assert lines, f"{page.name}: an empty python listing"
        for line in lines:
            match = SNIPPET.match(line)
            assert match, (f"{page.name}: a Python listing typed into the page: {line!r}. "
                           "Put the code in lessons/examples/<lesson>/ and include it.")
            path = match.group("path")
            assert path.startswith(TESTED_ROOTS), f"{page.name}: {path} is not run by CI"
            if re.match(r"lessons/examples/\d\d-[\w-]+/[\w-]+\.py$", path):
                assert_listing_is_run(Path(path))


def assert_listing_is_run(path: Path) -> None:
    """A lesson's example has its expected output (.out), or an example that has one
    imports it (an app) or loads it by its path (a sketch run on the simulated Uno)."""
    source = REPO / path
    if source.with_suffix(".out").is_file():
        return
    uses = re.compile(rf"^\s*(from {source.stem} import|import {source.stem}\b)"
                      rf"|{re.escape(path.as_posix())}\b", re.M)
    users = [p for p in source.parent.glob("*.py")
             if p.with_suffix(".out").is_file() and uses.search(p.read_text())]
    assert users, f"{path}: no {path.stem}.out, and no example with one imports or loads it"
