"""Lines of code of the two hubs, counted from their files, part by part."""

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
HUBS = {"Flask": REPO / "starter" / "flask", "Django": REPO / "starter" / "django"}
WITH_DOCSTRING = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


# --8<-- [start:count]
def docstring_lines(source):
    """The numbers of the lines that belong to a docstring."""
    lines = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, WITH_DOCSTRING) and ast.get_docstring(node) is not None:
            first = node.body[0]  # the docstring is the first statement of the body
            lines.update(range(first.lineno, first.end_lineno + 1))
    return lines


def count(path):
    """Lines of code and lines of docstrings of a file; blank lines and comments are neither."""
    source = path.read_text()
    docstrings = docstring_lines(source)
    code = documentation = 0
    for number, line in enumerate(source.splitlines(), start=1):
        if not line.strip() or line.strip().startswith("#"):
            continue
        if number in docstrings:
            documentation += 1
        else:
            code += 1
    return code, documentation
# --8<-- [end:count]


API = "the API (models, views, validation, keys, errors)"
START_UP = ("config/", "manage.py", "wsgi.py", "gunicorn.conf.py", "hub/__init__.py",
            "hub/apps.py", "hub/wsgi.py", "hub/cli.py", "hub/management/")


# --8<-- [start:parts]
def part_of(path):
    """The part of a hub that a file belongs to, from its path inside the starter."""
    if "/migrations/" in path:
        return "migrations (written by Django)"
    if path.startswith("tests/") or path.endswith("tests.py"):
        return "tests"
    if "dashboard" in path or "templatetags" in path:
        return "dashboard (lessons 9 and 13)"
    if path.endswith("admin.py"):
        return "admin site (lesson 11)"
    if path.startswith(START_UP):
        return "settings and start-up"
    return API
# --8<-- [end:parts]


def about(number):
    """A count rounded to tens: the hubs change a little from one lesson to the next."""
    return f"{round(number, -1):,}"


# --8<-- [start:table]
PARTS = [API, "settings and start-up", "dashboard (lessons 9 and 13)",
         "admin site (lesson 11)", "tests", "migrations (written by Django)"]
code = {(hub, part): 0 for hub in HUBS for part in PARTS}
documentation = dict(code)
for hub, folder in HUBS.items():
    for path in sorted(folder.rglob("*.py")):
        part = part_of(path.relative_to(folder).as_posix())
        lines, docstrings = count(path)
        code[hub, part] += lines
        documentation[hub, part] += docstrings

print(f"{'lines of code, rounded to tens':52} {'Flask':>6} {'Django':>7}")
for part in PARTS:
    print(f"{part:52} {about(code['Flask', part]):>6} {about(code['Django', part]):>7}")
for hub in HUBS:
    lines = sum(code[hub, part] for part in PARTS[:2])
    docstrings = sum(documentation[hub, part] for part in PARTS[:2])
    print(f"{hub}: the API with its settings, {about(lines)} lines of code"
          f" (and {about(docstrings)} lines of docstrings)")
# --8<-- [end:table]
