"""Submissions for the grader's tests, built from the Flask reference starter.

`build(name, dest)` copies ``starter/flask`` to dest and applies one patch: a correct
submission, a partly done one, and one per misbehaviour the grader must survive. Patches
go into ``wsgi.py`` (what gunicorn imports) or a module, as a student's code would.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

from grader.course import Course, load_course

REPO = Path(__file__).resolve().parents[3]
STARTER = REPO / "starter" / "flask"
FORGED_SCORE = 9999.0

# Appended to wsgi.py (after `app = create_app()`); {course_dir}, {student}, {assignment}
# are filled in, as a student who guessed them would.
_WSGI_PATCHES: dict[str, str] = {
    "correct": "",
    "partial": "",
    "never-starts": """
        import sys
        print("refusing to start", flush=True)
        sys.exit(3)
        """,
    # The first request for stats never returns; every other request is answered.
    "hangs-on-request": """
        import threading, time
        _first = threading.Lock()
        _inner = app.wsgi_app

        def _hang_once(environ, start_response):
            if environ["PATH_INFO"].endswith("/readings/stats") and _first.acquire(False):
                time.sleep(3600)
            return _inner(environ, start_response)

        app.wsgi_app = _hang_once
        """,
    "import-loop": """
        while True:
            pass
        """,
    "fork-bomb": """
        import os
        while True:
            os.fork()
        """,
    "memory-hog": """
        hog = bytearray(8 << 30)
        """,
    # A gibibyte of output at start-up, then a working server.
    "output-flood": """
        import sys
        _chunk = "x" * 65535 + "\\n"
        for _ in range(16384):
            sys.stdout.write(_chunk)
        sys.stdout.flush()
        print("FLOOD DONE", flush=True)
        """,
    "network": """
        import socket
        try:
            socket.create_connection(("1.1.1.1", 80), timeout=3).close()
            print("NETWORK: connected", flush=True)
        except OSError as exc:
            print(f"NETWORK: {exc}", flush=True)
        """,
    # Looks for the trusted suite: at the course's own path, at the grader's temporary
    # directories, and among the processes it can see; prints what it found.
    "reads-hidden-tests": """
        import glob, os, threading, time

        def _try(path):
            try:
                names = os.listdir(path)
                print(f"PROBE {path}: LISTED {names}", flush=True)
                for name in names:
                    if name.endswith(".py"):
                        with open(os.path.join(path, name)) as handle:
                            print(f"PROBE READ {name}: {handle.read(200)!r}", flush=True)
            except OSError as exc:
                print(f"PROBE {path}: {type(exc).__name__} {exc.errno}", flush=True)

        def _snoop():
            _try("{contract}/hidden")
            for private in glob.glob("/tmp/blink-grader-*"):
                _try(os.path.join(private, "suite"))
                _try(os.path.join(private, "suite", "hidden"))
            for _ in range(100):
                for pid in os.listdir("/proc"):
                    try:
                        with open(f"/proc/{pid}/cmdline", "rb") as handle:
                            argv = handle.read().decode().split("\\0")
                    except OSError:
                        continue
                    if "pytest" in argv:
                        print(f"PROBE SAW the trusted suite: {argv}", flush=True)
                        return
                time.sleep(0.05)

        threading.Thread(target=_snoop, daemon=True).start()
        """,
    # Writes a perfect results.json wherever the real one might be.
    "forges-results": """
        import glob, json, os
        _forged = json.dumps({"student": "{student}", "score": FORGED, "max_score": FORGED,
                              "status": "graded", "tests": [], "passed": True})

        def _forge(path):
            try:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as handle:
                    handle.write(_forged)
                print(f"FORGE {path}: WROTE", flush=True)
            except OSError as exc:
                print(f"FORGE {path}: {type(exc).__name__} {exc.errno}", flush=True)

        _forge("autograded/{student}/{assignment}/results.json")
        _forge("{course_dir}/autograded/{student}/{assignment}/results.json")

        for private in glob.glob("/tmp/blink-grader-*"):
            _forge(os.path.join(private, "suite-results.json"))
        """,
}

_COMMANDS_TODO = """

@bp.before_request
def _not_done_yet() -> None:
    raise NotImplementedError("commands: TODO")
"""

MISBEHAVIOURS = tuple(n for n in _WSGI_PATCHES if n not in ("correct", "partial")) + (
    "syntax-error",)
NAMES = ("correct", "partial", *MISBEHAVIOURS)


def make_deep(root: Path, depth: int) -> None:
    """Nest `depth` directories named d under root, a file at the bottom (no recursion:
    Path.mkdir(parents=True) itself recurses once per level)."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(os.open("bottom.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd))
    os.close(fd)


def snapshot_course(root: Path, *, django: bool = False) -> Course:
    """A course in root with copies of the Flask starter (and the Django one) and the suite.

    Tests grade against this snapshot, so edits to the live suite during a run change
    nothing (a changed suite would rightly make the grader grade everything again).
    """
    leave_out = shutil.ignore_patterns("__pycache__", "instance", "*.sqlite3", "*.sqlite3-*")
    shutil.copytree(STARTER, root / "flask", ignore=leave_out)
    shutil.copytree(REPO / "starter" / "contract", root / "contract",
                    ignore=shutil.ignore_patterns("__pycache__"))
    manifest = """
        [course]
        id = "grader-tests"

        [[assignment]]
        name = "flask-hub"
        kind = "project"
        source = "flask"
        contract = "contract"
        framework = "flask"
        """
    if django:
        shutil.copytree(REPO / "starter" / "django", root / "django", ignore=leave_out)
        manifest += """
        [[assignment]]
        name = "django-hub"
        kind = "project"
        source = "django"
        contract = "contract"
        framework = "django"
        """
    (root / "course.toml").write_text(textwrap.dedent(manifest))
    return load_course(root)


def build(name: str, dest: Path, *, course_dir: Path, student: str,
          assignment: str = "flask-hub", contract: Path = REPO / "starter" / "contract") -> Path:
    """Copy the Flask starter to dest and apply the patch called name; return dest."""
    shutil.copytree(STARTER, dest, ignore=shutil.ignore_patterns(
        "__pycache__", "*.pyc", "instance", "*.sqlite3"))
    if name == "partial":  # every commands endpoint still a TODO, as released
        commands = dest / "hub" / "commands.py"
        commands.write_text(commands.read_text() + _COMMANDS_TODO)
        return dest
    if name == "syntax-error":
        health = dest / "hub" / "health.py"
        health.write_text(health.read_text() + "\ndef broken(:\n    pass\n")
        return dest
    patch = textwrap.dedent(_WSGI_PATCHES[name])
    for key, value in (("{course_dir}", str(course_dir)), ("{student}", student),
                       ("{assignment}", assignment), ("{contract}", str(contract)),
                       ("FORGED", repr(FORGED_SCORE))):
        patch = patch.replace(key, value)
    wsgi = dest / "wsgi.py"
    wsgi.write_text(wsgi.read_text() + "\n" + patch)
    return dest
