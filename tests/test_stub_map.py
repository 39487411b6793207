"""A beginner's path is complete: every stub of a starter is named by exactly one lesson section.

A *stub* is a function of a project's starter that holds a solution block (grader.markers
finds them): what a student writes, stage by stage. course.toml says, for each stage, which
lesson page teaches it. For every stub and every stage it has a block of, exactly one
section of that stage's page (a ``##`` or ``###`` heading down to the next one) must name
it, and no section of the project's other stage pages may. A section names a stub when it
holds

- the stub's file and name, ``hub/devices.py:register_device`` (in backticks, or in the
  line that includes its listing: ``--8<-- "starter/flask/hub/devices.py:register_device"``),
  or
- its bare name in backticks, exactly: ``register_device``.

Anywhere else, a page mentions a function by its call, ``register_device()``, which is not
naming it. So the stub's message ("see the lesson ..., section ...") leads to one page, and
on that page one section says what to write.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from hubtesting import REPO

from grader.course import Assignment, load_course
from grader.markers import _enclosing_functions, find_blocks, has_markers

COURSE = load_course(REPO)
PROJECTS = [a for a in COURSE.assignments.values() if a.kind == "project"]
NOT_MAPPED_YET: dict[str, str] = {}
HEADING = re.compile(r"^(#{2,3}) +(?P<title>.+?) *$")
FENCE = re.compile(r"^ *(```|~~~)")


@dataclass(frozen=True)
class Stub:
    """A function of the starter holding a solution block: its file, its name, a stage."""

    path: str  # relative to the starter: hub/devices.py
    name: str  # register_device, or Class.method
    stage: int

    def __str__(self) -> str:
        return f"{self.path}:{self.name}"


@dataclass(frozen=True)
class Section:
    """A ``##`` or ``###`` section of a lesson page: its heading and its text."""

    page: Path
    title: str
    text: str

    def __str__(self) -> str:
        return f"{shown(self.page)} > {self.title!r}"


def shown(page: Path) -> str:
    """A page's path as a message shows it: from the repository's root when it is inside."""
    return page.relative_to(REPO).as_posix() if page.is_relative_to(REPO) else str(page)


def stubs_of(project: Assignment) -> list[Stub]:
    """Every (function, stage) of the project's starter that has a solution block."""
    assert project.source is not None
    found = set()
    for path in sorted(project.source.rglob("*.py")):
        if any(part.startswith(".") or part == "__pycache__" for part in path.parts):
            continue
        text = path.read_text(encoding="utf-8")
        if not has_markers(text):
            continue
        blocks = find_blocks(text, path=path)
        functions = _enclosing_functions(text, blocks, path=path)
        relative = path.relative_to(project.source).as_posix()
        for block, (_, name) in zip(blocks, functions, strict=True):
            found.add(Stub(relative, name, block.stage or 0))
    return sorted(found, key=lambda stub: (stub.stage, stub.path, stub.name))


def sections_of(page: Path) -> list[Section]:
    """Split a page into its ``##``/``###`` sections (headings inside code fences ignored).

    The text before the first such heading is a section too, titled "(top of the page)".
    """
    sections = []
    title, lines, fenced = "(top of the page)", [], False
    for line in page.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else HEADING.match(line)
        if heading:
            sections.append(Section(page, title, "\n".join(lines)))
            title, lines = heading["title"], []
        else:
            lines.append(line)
    sections.append(Section(page, title, "\n".join(lines)))
    return sections


def names(section: Section, stub: Stub) -> bool:
    """Whether the section names the stub: `path.py:name`, or `name` alone in backticks."""
    by_path = re.compile(rf"(?:^|[\s`\"/]){re.escape(stub.path)}:{re.escape(stub.name)}(?![\w.])")
    return bool(by_path.search(section.text)) or f"`{stub.name}`" in section.text


def stage_pages(project: Assignment) -> dict[int, Path]:
    """The page that teaches each stage, from course.toml."""
    return {stage.number: stage.lesson for stage in project.stages}


def mapping_problems(project: Assignment) -> list[str]:
    """Say, for each stub, what is wrong with where the lessons name it (nothing: [])."""
    pages = stage_pages(project)
    sections = [s for page in sorted(set(pages.values())) for s in sections_of(page)]
    stages_of = defaultdict(set)
    for stub in stubs_of(project):
        stages_of[stub.path, stub.name].add(stub.stage)
    problems = []
    for (path, name), stages in sorted(stages_of.items()):
        stub = Stub(path, name, min(stages))
        naming = [s for s in sections if names(s, stub)]
        wanted = defaultdict(list)  # page -> the stages of this stub that it teaches
        for stage in sorted(stages):
            if stage not in pages:
                problems.append(f"{stub}: stage {stage} has no lesson page in course.toml")
                continue
            wanted[pages[stage]].append(stage)
        for page, page_stages in wanted.items():
            here = [s for s in naming if s.page == page]
            which = ", ".join(f"stage {k}" for k in page_stages)
            if not here:
                problems.append(
                    f"{stub} ({which}) is named in no section of {shown(page)}: "
                    f"name it as `{path}:{name}` in the section that teaches it"
                )
            elif len(here) > len(page_stages):
                places = "; ".join(str(s) for s in here)
                problems.append(
                    f"{stub} ({which}) is named in {len(here)} sections: {places}. Keep it in "
                    f"the one that teaches it; elsewhere write the call, `{name}()`"
                )
        for section in naming:
            if section.page not in wanted:
                taught = ", ".join(
                    f"stage {k} on {shown(pages[k])}" for k in sorted(stages)
                    if k in pages
                )
                problems.append(
                    f"{stub} is named in {section}, but its solution blocks are {taught}"
                )
    return problems


def project_param(project: Assignment) -> object:
    """A project as a test parameter; one whose stubs are not mapped yet is an expected failure."""
    reason = NOT_MAPPED_YET.get(project.name)
    marks = [pytest.mark.xfail(strict=False, reason=reason)] if reason else []
    return pytest.param(project, id=project.name, marks=marks)


@pytest.mark.parametrize("project", [project_param(p) for p in PROJECTS])
def test_every_stub_is_named_by_exactly_one_section_of_its_stage_page(project) -> None:
    assert project.stages, f"{project.name}: course.toml gives it no stages"
    assert stubs_of(project), f"{project.name}: no solution blocks in {project.source}"
    problems = mapping_problems(project)
    assert not problems, (
        f"{project.name}: {len(problems)} stub(s) not mapped to exactly one lesson section:\n- "
        + "\n- ".join(problems)
    )


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_stage_pages_name_no_stub_that_does_not_exist(project) -> None:
    """A `hub/x.py:name` on a stage page is a stub of the starter (catches renamed stubs)."""
    known = {str(stub) for stub in stubs_of(project)}
    reference = re.compile(r"`((?:[\w-]+/)*[\w-]+\.py):([\w.]+)`")
    unknown = []
    for page in sorted(set(stage_pages(project).values())):
        for match in reference.finditer(page.read_text(encoding="utf-8")):
            if f"{match[1]}:{match[2]}" not in known:
                unknown.append(f"{shown(page)}: `{match[1]}:{match[2]}`")
    assert not unknown, "these name no stub of the starter (renamed? moved?):\n" + "\n".join(
        unknown
    )


def test_the_map_finds_a_stub_named_twice_and_one_named_nowhere(tmp_path: Path) -> None:
    """The check itself: a page that names one stub twice and forgets another fails both."""
    starter = tmp_path / "starter" / "hub"
    starter.mkdir(parents=True)
    (starter / "views.py").write_text(
        "def one():\n    ### BEGIN SOLUTION (stage 1)\n    return 1\n    ### END SOLUTION\n\n\n"
        "def two():\n    ### BEGIN SOLUTION (stage 1)\n    return 2\n    ### END SOLUTION\n",
        encoding="utf-8",
    )
    page = tmp_path / "lessons" / "stage-1.md"
    page.parent.mkdir()
    page.write_text(
        "# Stage 1\n\n## First\n\nWrite `hub/views.py:one`.\n\n## Second\n\n"
        "Then `one` again; `two()` is only mentioned.\n\n```console\n## not a heading\n```\n",
        encoding="utf-8",
    )
    (tmp_path / "course.toml").write_text(
        '[course]\nid = "c"\ntitle = "C"\n\n[[assignment]]\nname = "p"\nkind = "project"\n'
        'title = "P"\nsource = "starter"\ncontract = "starter"\nframework = "flask"\n'
        'points = 1\nstages = [{ title = "One", lesson = "lessons/stage-1.md", '
        'section = "First" }]\n',
        encoding="utf-8",
    )
    problems = mapping_problems(load_course(tmp_path).get("p"))
    assert len(problems) == 2, problems
    assert "hub/views.py:one (stage 1) is named in 2 sections" in problems[0]
    assert "hub/views.py:two (stage 1) is named in no section" in problems[1]
    assert [s.title for s in sections_of(page)] == ["(top of the page)", "First", "Second"]
