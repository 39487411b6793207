"""Attacks on the sandbox, graded the way an instructor grades: one batch of 12 at -j 2.

Three honest Flask submissions and nine attacks, each the way students attacked the
grader before it had a private filesystem view and a safe intake (see issue 11): reading
the neighbour's box and serving its code, stashing code in /tmp, /dev/shm and SysV shared
memory for a later batch, a setuid-root program, special files and a hard link out,
escaping the view, filling the inodes, a health answer trickled a byte every half second,
host unix sockets, a tree 1,100 directories deep and a submission over the file limit.
A second batch then grades a submission that looks for what the first one stashed.

Every test asserts that the attack's effect did not happen: the scores (every honest
submission full marks, every attack 0 or its honest score), the files (the hidden tests,
another student's stored result, nothing new in /tmp, /dev/shm or SysV IPC), the
processes (nothing of the batch's uids left running). Needs root, namespaces and
bubblewrap; skipped otherwise.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import socket
import stat
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from submissions import build, make_deep, snapshot_course

import grader.sandbox
from grader.batch import grade
from grader.bwrap import python_paths
from grader.course import Course, load_course
from grader.results import atomic_write_json, read_result, results_path
from grader.sandbox import LOCK_DIR, Limits, detect_sandbox
from grader.trees import remove_tree

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not detect_sandbox().isolated,
                       reason="needs root, namespaces and bubblewrap"),
]

ASSIGNMENT = "flask-hub"
LIMITS = Limits(startup_seconds=12.0, request_seconds=5.0, wall_seconds=150.0,
                scratch_inodes=5000)
MAX_FILES = 300  # this course's [grading.intake] max_files
HONEST = ("honest-1", "honest-2", "honest-3")
ATTACKS = ("neighbour-reader", "stasher", "setuid", "escaper", "inode-filler", "slow-health",
           "socket-prober", "deep-tree", "too-many-files")
STASH_KEYS = [0x0B1C0000 + i for i in range(5)]  # the stasher's SysV shared memory keys
TAG = f"blink-attack-{os.getpid()}"  # names of the host sockets the prober looks for
BYSTANDER = {"student": "bystander", "assignment": ASSIGNMENT, "kind": "project",
             "status": "graded", "score": 12.0, "max_score": 325.0, "tests": [],
             "feedback": [], "submission_sha256": "0" * 64, "suite_version": "0" * 64}

_SAY = """
import os, sys
_here = os.path.dirname(os.path.abspath(__file__))

def _say(text):
    print(text, flush=True)
"""

# An app with none of the student's own work: it answers 501 to everything.
_NOTHING = """
def app(environ, start_response):
    start_response("501 Not Implemented", [("Content-Type", "application/json")])
    return [b'{"error": {"code": "not_implemented", "message": "nothing", "details": null}}']
"""

# Replaces wsgi.py: finds another student's code (a neighbour's box, another process's
# working directory, the course's submitted/ folder) and serves it instead of its own.
_NEIGHBOUR_READER = _SAY + _NOTHING + """
import glob
_found = []
for _pattern in ("/tmp/blink-grader-*/boxes/*/app/wsgi.py", "/tmp/blink-sandbox-*/*/app/wsgi.py",
                 "/proc/*/cwd/wsgi.py", "/proc/*/root/box/app/wsgi.py",
                 "{course_dir}/submitted/*/flask-hub/wsgi.py"):
    for _path in glob.glob(_pattern):
        if not os.path.realpath(_path).startswith("/box/app/"):
            _found.append(_path)
if _found:
    _say(f"NEIGHBOUR FOUND {_found}")
    sys.path.insert(0, os.path.dirname(_found[0]))
    _scope = {"__file__": _found[0]}
    exec(open(_found[0]).read(), _scope)
    app = _scope["app"]
else:
    _say("NEIGHBOUR NONE")
"""

# Replaces wsgi.py, in the second batch: serves whatever code the stasher left behind.
_STASH_LOADER = _SAY + _NOTHING + """
import ctypes
for _place in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/run"):
    _path = os.path.join(_place, "blink-stash", "wsgi.py")
    if os.path.exists(_path):
        _say(f"STASH FOUND {_path}")
        sys.path.insert(0, os.path.dirname(_path))
        _scope = {"__file__": _path}
        exec(open(_path).read(), _scope)
        app = _scope["app"]
        break
else:
    _say("STASH NONE in files")
_libc = ctypes.CDLL(None, use_errno=True)
for _key in {keys}:
    _say(f"SHM {_key:#x}: {_libc.shmget(_key, 0, 0)}")
"""

# Appended to an honest wsgi.py: leaves its code, shared memory and a daemon behind.
_STASHER = _SAY + """
import ctypes, shutil, signal, time
for _place in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock"):
    try:
        os.makedirs(_place, exist_ok=True)
        shutil.copytree(_here, os.path.join(_place, "blink-stash"), dirs_exist_ok=True)
        _say(f"STASHED {_place}")
    except OSError as _exc:
        _say(f"STASH {_place}: {_exc}")
_libc = ctypes.CDLL(None, use_errno=True)
_libc.shmat.restype = ctypes.c_void_p
for _key in {keys}:
    _id = _libc.shmget(_key, 16 << 20, 0o1666)  # IPC_CREAT | 0666
    _addr = _libc.shmat(_id, None, 0)
    if _addr not in (None, ctypes.c_void_p(-1).value):
        ctypes.memset(_addr, 7, 16 << 20)  # really in memory
    _say(f"SHM {_key:#x}: id {_id}")
if os.fork() == 0:  # a daemon: its own session, deaf to SIGTERM, forever
    os.setsid()
    if os.fork() == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        while True:
            time.sleep(1)
    os._exit(0)
"""

# Appended to an honest wsgi.py of a submission holding special files (see make_special).
_SETUID = _SAY + """
import subprocess
for _name in ("bin/suid-id", "bin/sgid-id", "sticky", "pipe", "null-dev", "secret-link"):
    try:
        _info = os.lstat(os.path.join(_here, _name))
        _say(f"SPECIAL {_name}: {oct(stat.S_IMODE(_info.st_mode))} {stat.filemode(_info.st_mode)}")
    except OSError as _exc:
        _say(f"SPECIAL {_name}: {type(_exc).__name__}")
try:
    _ran = subprocess.run([os.path.join(_here, "bin", "suid-id")], capture_output=True,
                          text=True, timeout=5)
    _say(f"SUID RAN: {_ran.stdout.strip()} {_ran.stderr.strip()}")
except OSError as _exc:
    _say(f"SUID RAN: {type(_exc).__name__}")
for _line in open("/proc/self/status"):
    if _line.startswith(("Uid:", "NoNewPrivs:", "CapEff:")):
        _say("STATUS " + " ".join(_line.split()))
for _target in ("/box", "/usr", "/proc"):
    _done = subprocess.run(["umount", "-l", _target], capture_output=True, text=True)
    _say(f"UMOUNT {_target}: {_done.returncode}")
try:
    os.setuid(0)
    _say("SETUID 0: worked")
except OSError as _exc:
    _say(f"SETUID 0: {type(_exc).__name__}")
_forged = '{"student": "bystander", "score": 325.0, "max_score": 325.0, "status": "graded"}'
_target = "{course_dir}/autograded/bystander/flask-hub/results.json"
try:
    os.makedirs(os.path.dirname(_target), exist_ok=True)
    open(_target, "w").write(_forged)
    _say("FORGED bystander (in its own view)")
except OSError as _exc:
    _say(f"FORGE bystander: {type(_exc).__name__}")
"""

# Appended to an honest wsgi.py: looks around for anything of the host.
_ESCAPER = _SAY + """
import subprocess
for _path in ("{repo}", "{course_root}", "{course_root}/contract/hidden", "{course_dir}",
              "/root", "/home", "/var", "/run", "/tmp", "/work"):
    try:
        _say(f"LIST {_path}: {sorted(os.listdir(_path))}")
    except OSError as _exc:
        _say(f"LIST {_path}: {type(_exc).__name__}")
_pids = [p for p in os.listdir("/proc") if p.isdigit()]
_say(f"PIDS {len(_pids)}")
for _pid in _pids:
    try:
        _cmd = open(f"/proc/{_pid}/cmdline", "rb").read().replace(bytes(1), b" ")
    except OSError:
        continue
    if b"pytest" in _cmd or b"sandbox_runner" in _cmd:
        _say(f"SAW {_cmd[:120]!r}")
for _argv in (["unshare", "-r", "id"], ["mount", "-t", "tmpfs", "none", "/box/home"]):
    _done = subprocess.run(_argv, capture_output=True, text=True)
    _say(f"RUN {_argv[0]}: {_done.returncode} {_done.stdout.strip()}")
try:
    open("/etc/shadow").read()
    _say("SHADOW read")
except OSError as _exc:
    _say(f"SHADOW {type(_exc).__name__}")
for _name in ("hubkit", "mqttkit", "simulators"):
    try:
        __import__(_name)
        _say(f"IMPORT {_name}: worked")
    except ImportError as _exc:
        _say(f"IMPORT {_name}: {type(_exc).__name__}")
"""

# Appended to an honest wsgi.py: fills every inode it can reach, then cleans up.
_INODE_FILLER = _SAY + """
import shutil
_made = 0
for _place in ("/tmp", "/var/tmp", "/dev/shm", "/box/data", "/box/app"):
    _dir = os.path.join(_place, "fill")
    try:
        os.makedirs(_dir, exist_ok=True)
        while True:
            open(os.path.join(_dir, str(_made)), "w").close()
            _made += 1
    except OSError as _exc:
        _say(f"FILL {_place}: stopped at {_made}: {_exc.strerror}")
for _place in ("/tmp", "/var/tmp", "/dev/shm", "/box/data", "/box/app"):
    shutil.rmtree(os.path.join(_place, "fill"), ignore_errors=True)
_say(f"FILLED {_made}")
"""

# Appended to an honest wsgi.py: /api/v1/health answers a byte every half second, forever.
_SLOW_HEALTH = """
import itertools, time
_inner = app.wsgi_app

def _trickle(environ, start_response):
    if environ["PATH_INFO"] == "/api/v1/health":
        sock = environ["gunicorn.socket"]
        for byte in itertools.chain(b"HTTP/1.1 200 ", itertools.repeat(48)):
            sock.send(bytes([byte]))
            time.sleep(0.5)
    return _inner(environ, start_response)

app.wsgi_app = _trickle
"""

# Appended to an honest wsgi.py: connects to unix sockets the host listens on.
_SOCKET_PROBER = _SAY + """
import socket
for _address in ("/run/{tag}.sock", "/tmp/{tag}.sock", "\\0{tag}"):
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as _sock:
            _sock.settimeout(2)
            _sock.connect(_address)
            _sock.sendall(b"hello from the sandbox")
        _say(f"SOCKET {_address!r}: CONNECTED")
    except OSError as _exc:
        _say(f"SOCKET {_address!r}: {type(_exc).__name__}")
"""


def append_to_wsgi(app: Path, code: str, **fill: str) -> None:
    """Add attack code to the end of a submission's wsgi.py, placeholders filled in."""
    code = textwrap.dedent(code)
    for key, value in fill.items():
        code = code.replace("{" + key + "}", value)
    wsgi = app / "wsgi.py"
    wsgi.write_text(wsgi.read_text() + "\nimport stat\n" + code)


def replace_wsgi(app: Path, code: str, **fill: str) -> None:
    """Replace a submission's wsgi.py by attack code (none of the student's own work)."""
    (app / "wsgi.py").write_text("")
    append_to_wsgi(app, code, **fill)


def make_special(app: Path, outside: Path) -> None:
    """Put in a submission what an instructor unpacking a tarball as root would keep."""
    (app / "bin").mkdir()
    shutil.copy(shutil.which("id"), app / "bin" / "suid-id")
    os.chown(app / "bin" / "suid-id", 0, 0)
    os.chmod(app / "bin" / "suid-id", 0o4755)
    shutil.copy(shutil.which("id"), app / "bin" / "sgid-id")
    os.chmod(app / "bin" / "sgid-id", 0o2755)
    (app / "sticky").mkdir(mode=0o1777)
    os.chmod(app / "sticky", 0o1777)
    os.mkfifo(app / "pipe")
    os.mknod(app / "null-dev", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    secret = outside / "secret.txt"
    secret.write_text("the answers\n")
    os.link(secret, app / "secret-link")


def tree_digest(root: Path) -> str:
    """A digest of every file's path and bytes under root."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def files_of(root: Path, uids: set[int]) -> list[str]:
    """Entries directly in root owned by one of uids."""
    found = []
    for entry in os.scandir(root):
        try:
            if entry.stat(follow_symlinks=False).st_uid in uids:
                found.append(entry.path)
        except OSError:
            continue
    return found


def sysv_segments() -> list[tuple[int, int]]:
    """(key, owner uid) of every SysV shared memory segment of the host's IPC namespace."""
    lines = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    return [(int(line.split()[0]), int(line.split()[7])) for line in lines]


def leftovers_of(uids: set[int]) -> list[str]:
    """The command lines of processes still running as one of uids, once no grader holds
    the uid (another batch on this machine may have leased it since: then it is theirs)."""
    found = []
    for uid in uids:
        with open(LOCK_DIR / f"uid-{uid}.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            for entry in filter(str.isdigit, os.listdir("/proc")):
                try:
                    if os.stat(f"/proc/{entry}").st_uid == uid:
                        found.append(Path(f"/proc/{entry}/cmdline").read_bytes()[:200]
                                     .decode(errors="replace"))
                except OSError:
                    continue
    return found


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """A snapshot of the course, with an intake limit of 300 files."""
    root = tmp_path_factory.mktemp("repo")
    snapshot_course(root)
    with open(root / "course.toml", "a") as manifest:
        manifest.write(f"\n[grading.intake]\nmax_files = {MAX_FILES}\n")
    return load_course(root)


@pytest.fixture(scope="module")
def host_sockets() -> Iterator[dict[str, socket.socket]]:
    """Unix sockets the host listens on: at a path in /run, in /tmp, and an abstract one."""
    listeners = {}
    for address in (f"/run/{TAG}.sock", f"/tmp/{TAG}.sock", f"\0{TAG}"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(address)
        sock.listen(8)
        sock.setblocking(False)
        listeners[address] = sock
    yield listeners
    for address, sock in listeners.items():
        sock.close()
        if not address.startswith("\0"):
            Path(address).unlink(missing_ok=True)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory, course: Course,
          host_sockets: dict[str, socket.socket]) -> Iterator[dict]:
    """Grade the 12 submissions at -j 2; record what the batch leased and left behind."""
    course_dir = tmp_path_factory.mktemp("course")
    outside = tmp_path_factory.mktemp("outside")
    fill = {"course_dir": str(course_dir), "keys": repr(STASH_KEYS), "tag": TAG,
            "repo": str(Path(__file__).resolve().parents[2]), "course_root": str(course.root)}
    apps = {}
    for student in HONEST + ATTACKS:
        apps[student] = build("correct", course_dir / "submitted" / student / ASSIGNMENT,
                              course_dir=course_dir, student=student)
    replace_wsgi(apps["neighbour-reader"], _NEIGHBOUR_READER, **fill)
    append_to_wsgi(apps["stasher"], _STASHER, **fill)
    make_special(apps["setuid"], outside)
    append_to_wsgi(apps["setuid"], _SETUID, **fill)
    append_to_wsgi(apps["escaper"], _ESCAPER, **fill)
    append_to_wsgi(apps["inode-filler"], _INODE_FILLER, **fill)
    append_to_wsgi(apps["slow-health"], _SLOW_HEALTH, **fill)
    append_to_wsgi(apps["socket-prober"], _SOCKET_PROBER, **fill)
    make_deep(apps["deep-tree"], 1100)
    for index in range(MAX_FILES + 50):
        (apps["too-many-files"] / f"note-{index}.txt").write_text("x\n")
    bystander = results_path(course_dir, "bystander", ASSIGNMENT)
    atomic_write_json(bystander, BYSTANDER)

    before = {"hidden": tree_digest(course.get(ASSIGNMENT).contract),
              "bystander": bystander.read_bytes(), "segments": sysv_segments(),
              "shm": set(os.listdir("/dev/shm"))}
    leased: set[int] = set()
    workspaces: list[Path] = []
    original_lease = grader.sandbox.UidLease.__init__
    original_create = grader.sandbox.Workspace.create

    def lease(self: grader.sandbox.UidLease) -> None:
        original_lease(self)
        leased.add(self.uid)

    def create(cls: type, parent: Path | None = None) -> grader.sandbox.Workspace:
        made = original_create(parent)
        workspaces.append(made.root)
        return made

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(grader.sandbox.UidLease, "__init__", lease)
        patch.setattr(grader.sandbox.Workspace, "create", classmethod(create))
        graded = grade(course, ASSIGNMENT, course_dir=course_dir, jobs=2, limits=LIMITS)
        after = {"running": leftovers_of(leased), "workspaces": [w for w in workspaces
                                                                  if w.exists()]}
        # The second batch: a submission that looks for what the first one left behind.
        loader = build("correct", course_dir / "submitted" / "stash-loader" / ASSIGNMENT,
                       course_dir=course_dir, student="stash-loader")
        replace_wsgi(loader, _STASH_LOADER, **fill)
        again = grade(course, ASSIGNMENT, course_dir=course_dir, jobs=2, limits=LIMITS)
        after["running_again"] = leftovers_of(leased)
        after["workspaces"] += [w for w in workspaces if w.exists()]
    yield {"results": {r["student"]: r for r in graded}, "again": {r["student"]: r
           for r in again}, "course_dir": course_dir, "before": before, "after": after,
           "leased": leased, "bystander": bystander}
    remove_tree(apps["deep-tree"])  # pytest's own clean-up recurses: 1,100 levels break it


def log_of(batch: dict, student: str) -> str:
    """The server log tail of a student's result in the first batch."""
    return batch["results"][student]["server_log_tail"]


def test_every_honest_submission_gets_full_marks(batch: dict) -> None:
    """Honest work beside the attacks is graded exactly as alone: every test passes."""
    for student in HONEST:
        result = batch["results"][student]
        assert result["status"] == "graded", (student, result["feedback"])
        assert result["sandbox"] == "bubblewrap"
        assert [t["name"] for t in result["tests"] if not t["passed"]] == [], student
        assert result["score"] == result["max_score"] > 0


@pytest.mark.parametrize("student", ["stasher", "setuid", "escaper", "inode-filler",
                                     "socket-prober"])
def test_an_attack_on_the_machine_gets_its_honest_score(batch: dict, student: str) -> None:
    """Around honest code, an attack changes nothing: full marks, nothing more."""
    result = batch["results"][student]
    assert result["status"] == "graded", result["feedback"]
    assert result["score"] == result["max_score"] == batch["results"]["honest-1"]["score"]


def test_a_submission_cannot_serve_its_neighbours_code(batch: dict) -> None:
    """Boxes are invisible to each other: the reader finds no one and scores zero."""
    result = batch["results"]["neighbour-reader"]
    assert "NEIGHBOUR NONE" in log_of(batch, "neighbour-reader")
    assert "NEIGHBOUR FOUND" not in log_of(batch, "neighbour-reader")
    assert result["status"] == "graded" and result["score"] == 0


def test_nothing_stashed_reaches_a_later_batch(batch: dict) -> None:
    """/tmp, /var/tmp, /dev/shm, /run and SysV memory are the job's own, and go with it."""
    stashed = log_of(batch, "stasher")
    assert "STASHED /tmp" in stashed and "STASHED /dev/shm" in stashed, stashed
    assert all(f"SHM {key:#x}: id -1" not in stashed for key in STASH_KEYS), stashed
    loader = batch["again"]["stash-loader"]
    log = loader["server_log_tail"]
    assert "STASH NONE in files" in log and "STASH FOUND" not in log, log
    assert all(f"SHM {key:#x}: -1" in log for key in STASH_KEYS), log
    assert loader["status"] == "graded" and loader["score"] == 0


def test_a_setuid_root_file_gives_no_root(batch: dict) -> None:
    """Copied without its bit; NoNewPrivs and no capabilities; setuid(0) fails; umount too."""
    log = log_of(batch, "setuid")
    assert "SPECIAL bin/suid-id: 0o755" in log and "SPECIAL bin/sgid-id: 0o755" in log, log
    assert "SPECIAL sticky: 0o755" in log, log
    ran = next(line for line in log.splitlines() if line.startswith("SUID RAN"))
    assert "uid=6" in ran and "uid=0" not in ran and "euid=0" not in ran, ran
    assert "STATUS NoNewPrivs: 1" in log and "STATUS CapEff: 0000000000000000" in log, log
    assert "UMOUNT /box: 0" not in log and "UMOUNT /usr: 0" not in log, log
    assert "SETUID 0: " in log and "SETUID 0: worked" not in log, log


def test_special_files_and_hard_links_out_are_left_out(batch: dict) -> None:
    """No FIFO, no device, no hard link to a file outside; the feedback names them."""
    log = log_of(batch, "setuid")
    for name in ("pipe", "null-dev", "secret-link"):
        assert f"SPECIAL {name}: FileNotFoundError" in log, log
    note = " ".join(batch["results"]["setuid"]["feedback"])
    assert "null-dev (not a regular file)" in note and "secret-link (a hard link" in note


def test_the_view_shows_nothing_of_the_host(batch: dict, course: Course) -> None:
    """Not the repository, not the course, not the grader, not its processes."""
    log = log_of(batch, "escaper")
    listed = dict(line[5:].split(": ", 1) for line in log.splitlines()
                  if line.startswith("LIST "))
    assert listed[str(Path(__file__).resolve().parents[2])] == "['.venv']", log
    # hubkit is a whole contract hub: a project's hub must be the student's own code
    for package in ("hubkit", "mqttkit", "simulators"):
        assert f"IMPORT {package}: ModuleNotFoundError" in log, log
    assert listed[str(batch["course_dir"])] == "FileNotFoundError", log
    assert listed[f"{course.root}/contract/hidden"] == "FileNotFoundError", log
    # /tmp is the job's own, empty but for the way to the Python runtime when the
    # course (and its .venv) was cloned under /tmp
    runtime = sorted({p.parts[2] for p in python_paths() if p.is_relative_to("/tmp")})
    assert listed["/home"] == "FileNotFoundError" and listed["/tmp"] == str(runtime), log
    # /root holds the Python runtime (pyenv) on some machines, and then nothing else
    assert listed["/root"] in ("FileNotFoundError", "['.pyenv']"), log
    assert "SAW" not in log, log
    assert "SHADOW PermissionError" in log and "RUN unshare: 0" not in log, log
    assert "RUN mount: 0" not in log, log


def test_inodes_are_capped_per_job(batch: dict) -> None:
    """The filler stops at its own box's cap; the jobs after it are graded as usual."""
    log = log_of(batch, "inode-filler")
    filled = int(next(line for line in log.splitlines() if line.startswith("FILLED")).split()[1])
    assert 0 < filled <= LIMITS.scratch_inodes, log
    assert "No space left on device" in log, log
    assert all(batch["results"][s]["status"] == "graded" for s in HONEST)


def test_a_trickled_health_answer_is_cut_and_recorded(batch: dict) -> None:
    """Cut at the start-up deadline, recorded as graded (zero), not graded again."""
    result = batch["results"]["slow-health"]
    assert result["status"] == "graded" and result["score"] == 0
    assert any("did not answer /api/v1/health within 12 s" in line
               for line in result["feedback"]), result["feedback"]
    assert batch["again"]["slow-health"]["graded_at"] == result["graded_at"]


def test_host_unix_sockets_are_out_of_reach(batch: dict,
                                            host_sockets: dict[str, socket.socket]) -> None:
    """Neither a socket at a host path nor an abstract one: no connection ever arrived."""
    log = log_of(batch, "socket-prober")
    assert "CONNECTED" not in log and log.count("SOCKET ") == 3, log
    for sock in host_sockets.values():
        with pytest.raises(BlockingIOError):
            sock.accept()


@pytest.mark.parametrize(("student", "clue"), [
    ("deep-tree", "nested more than 32 directories deep"),
    ("too-many-files", f"more than {MAX_FILES} files"),
])
def test_a_submission_over_the_intake_limits_is_refused_alone(batch: dict, student: str,
                                                              clue: str) -> None:
    """A per-student error that says which limit; every other job of the batch ran."""
    result = batch["results"][student]
    assert result["status"] == "error" and result["score"] == 0 and result["tests"] == []
    assert any(clue in line for line in result["feedback"]), result["feedback"]
    assert sorted(batch["results"]) == sorted(HONEST + ATTACKS)


def test_other_results_and_the_hidden_tests_are_untouched(batch: dict, course: Course) -> None:
    """Another student's stored result and the suite's files are byte for byte the same."""
    assert batch["bystander"].read_bytes() == batch["before"]["bystander"]
    assert read_result(batch["bystander"])["score"] == BYSTANDER["score"]
    assert tree_digest(course.get(ASSIGNMENT).contract) == batch["before"]["hidden"]


def test_nothing_is_left_behind(batch: dict) -> None:
    """No process of the batch's uids, no workspace, nothing in /tmp, /dev/shm or SysV IPC."""
    assert batch["leased"] and batch["after"]["running"] == []
    assert batch["after"]["running_again"] == []
    assert batch["after"]["workspaces"] == []
    for place in ("/tmp", "/var/tmp", "/dev/shm"):
        assert not list(Path(place).glob("blink-stash*")), place
        assert files_of(Path(place), batch["leased"]) == [], place
    new_shm = set(os.listdir("/dev/shm")) - batch["before"]["shm"]
    assert not [n for n in new_shm if "blink" in n], new_shm
    segments = sysv_segments()
    assert not [s for s in segments if s[0] in STASH_KEYS], segments
    assert not [s for s in segments if s[1] in batch["leased"]], segments
