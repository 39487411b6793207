"""The grader's parts on their own: the pytest plugin, results.json, the feedback page,
sandbox detection and the fallback without namespaces; then the sandbox's walls, the
intake and the clean-up, each attacked on its own (the whole batch of attacks is in
test_attacks_sandbox.py)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from submissions import build, make_deep, snapshot_course

import grader.sandbox
from grader.__main__ import main
from grader.batch import grade
from grader.bwrap import View, bwrap_argv
from grader.course import load_course
from grader.feedback import render_feedback
from grader.results import atomic_write_json, hash_tree, make_result, read_result, results_path
from grader.sandbox import (
    Limits,
    Workspace,
    Zygote,
    clean_env,
    clean_stale_workspaces,
    detect_sandbox,
    exposed_secrets,
    intake_submission,
    require_sandbox,
)
from grader.sandbox_runner import wait_healthy
from grader.trees import IntakeError, IntakeLimits, copy_tree, remove_tree, walk

SUITE = """
import time
import pytest

@pytest.mark.points(3)
@pytest.mark.hint("check the sum")
def test_passes():
    assert 1 + 1 == 2

@pytest.mark.points(2)
@pytest.mark.hint("check the product")
def test_fails():
    assert 2 * 2 == 5, "two times two"

@pytest.mark.points(4)
def test_hangs():
    time.sleep(30)

def test_skips():
    pytest.skip("not today")
"""


def run_plugin(tmp_path: Path, *args: str) -> dict:
    """Run the plugin over a tiny suite; return what it wrote."""
    (tmp_path / "test_tiny.py").write_text(textwrap.dedent(SUITE))
    out = tmp_path / "out.json"
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    subprocess.run([sys.executable, "-m", "pytest", str(tmp_path), "-p", "grader.plugin",
                    "-p", "no:cacheprovider", "--rootdir", str(tmp_path), "-q",
                    "--grader-results", str(out), *args],
                   cwd=tmp_path, env=env, capture_output=True, check=False)
    return {t["nodeid"].split("::")[1]: t for t in json.loads(out.read_text())["tests"]}


class TestPlugin:
    """-p grader.plugin records points, hints and outcomes."""

    def test_records_points_hints_and_outcomes(self, tmp_path: Path) -> None:
        records = run_plugin(tmp_path, "--grader-test-timeout", "1")
        assert records["test_passes"] | {"duration": 0} == {
            "nodeid": "test_tiny.py::test_passes", "path": "test_tiny.py", "points": 3.0,
            "hint": "check the sum", "outcome": "passed", "passed": True, "duration": 0,
            "message": None, "stage": None, "stage_title": None}
        assert records["test_fails"]["outcome"] == "failed"
        assert "two times two" in records["test_fails"]["message"]
        assert records["test_skips"]["outcome"] == "skipped"
        assert records["test_skips"]["points"] == 1.0

    def test_a_hanging_test_times_out(self, tmp_path: Path) -> None:
        records = run_plugin(tmp_path, "--grader-test-timeout", "0.5")
        assert records["test_hangs"]["outcome"] == "timeout"
        assert not records["test_hangs"]["passed"]

    def test_not_run_records_every_test_as_failed(self, tmp_path: Path) -> None:
        records = run_plugin(tmp_path, "--grader-not-run", "not run: no server")
        assert {r["outcome"] for r in records.values()} == {"failed"}
        assert {r["message"] for r in records.values()} == {"not run: no server"}
        assert records["test_hangs"]["points"] == 4.0


def test_zygote_collects_once_and_runs_each_job_in_a_child(tmp_path: Path) -> None:
    """One warm pytest serves jobs one after another; each job gets its own results."""
    (tmp_path / "test_tiny.py").write_text(textwrap.dedent(SUITE))
    (tmp_path / "tiny.ini").write_text("[pytest]\n")
    argv = [sys.executable, "-m", "pytest", str(tmp_path), "-c", str(tmp_path / "tiny.ini"),
            "--rootdir", str(tmp_path), "-p", "grader.plugin", "-p", "no:cacheprovider",
            "-q", "--capture=no", "--grader-test-timeout", "0.5"]
    env = clean_env({"HOME": str(tmp_path), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
                     "PYTHONPATH": os.pathsep.join(sys.path)})
    zygote = Zygote(argv, tmp_path, env, tmp_path / "zygote.log")
    outcomes = {}
    try:
        for job, extra in (("ran", {}), ("not-run", {"not_run": "not run: no server"}),
                           ("nowhere", {"netns": str(tmp_path / "no-such-netns")})):
            done = zygote.run({"id": job, "backend": "", "token": "", "output":
                               str(tmp_path / f"{job}.txt"), "results":
                               str(tmp_path / f"{job}.json"), **extra}, budget=60)
            outcomes[job] = done["status"]
    finally:
        zygote.close()
    ran = {t["nodeid"].split("::")[1]: t["outcome"]
           for t in json.loads((tmp_path / "ran.json").read_text())["tests"]}
    assert ran == {"test_passes": "passed", "test_fails": "failed", "test_hangs": "timeout",
                   "test_skips": "skipped"}
    not_run = json.loads((tmp_path / "not-run.json").read_text())["tests"]
    assert {(t["outcome"], t["message"]) for t in not_run} == {("failed", "not run: no server")}
    # A child that cannot join the job's network namespace runs nothing and says so.
    assert outcomes["ran"] == outcomes["not-run"] == 0 != outcomes["nowhere"]
    assert not (tmp_path / "nowhere.json").exists()
    assert zygote.proc.returncode is not None


class TestResults:
    """results.json: hashes, scores and atomic writes."""

    def test_hash_changes_with_content_not_caches(self, tmp_path: Path) -> None:
        (tmp_path / "a.py").write_text("x = 1\n")
        before = hash_tree(tmp_path)
        (tmp_path / "__pycache__").mkdir()
        (tmp_path / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
        assert hash_tree(tmp_path) == before
        (tmp_path / "a.py").write_text("x = 2\n")
        assert hash_tree(tmp_path) != before

    def test_score_is_the_sum_of_earned_points(self) -> None:
        tests = [{"points": 2.0, "earned": 2.0}, {"points": 3.0, "earned": 0.0}]
        result = make_result(student="s", assignment="a", kind="project", tests=tests,
                             feedback=[], submission_sha256="x", suite_version="y")
        assert (result["score"], result["max_score"]) == (2.0, 5.0)

    def test_atomic_write_leaves_no_temporary_file(self, tmp_path: Path) -> None:
        path = tmp_path / "deep" / "results.json"
        atomic_write_json(path, {"score": 1})
        atomic_write_json(path, {"score": 2})
        assert read_result(path) == {"score": 2}
        assert [p.name for p in path.parent.iterdir()] == ["results.json"]

    def test_a_truncated_file_is_not_a_result(self, tmp_path: Path) -> None:
        path = tmp_path / "results.json"
        path.write_text('{"score": 1, "tests": [')
        assert read_result(path) is None


def test_feedback_escapes_what_the_student_controls() -> None:
    """Log lines and messages are text, never markup."""
    tests = [{"name": "tests/t.py::test_a", "visibility": "public", "points": 1.0,
              "earned": 0.0, "passed": False, "hint": "look <here>", "duration": 0.1,
              "message": "<script>alert(1)</script>"},
             {"name": "hidden/t.py::test_b", "visibility": "hidden", "points": 2.0,
              "earned": 2.0, "passed": True, "hint": "a hint", "duration": 0.1,
              "message": None}]
    result = make_result(student="eve", assignment="flask-hub", kind="project", tests=tests,
                         feedback=["<b>bold</b>"], submission_sha256="a" * 64,
                         suite_version="b" * 64, server_log_tail="</pre><img src=x>")
    page = render_feedback(result)
    assert "<script>" not in page and "<img" not in page and "<b>bold" not in page
    assert "&lt;script&gt;" in page and "(hidden test)" in page
    assert "2 / 3" in page and "look &lt;here&gt;" in page


def test_grader_sandbox_none_forces_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """GRADER_SANDBOX=none: no namespaces, and a warning that says so."""
    monkeypatch.setenv("GRADER_SANDBOX", "none")
    caps = detect_sandbox()
    assert not caps.isolated and caps.unsafe and caps.mode == "none"
    assert any("can reach the network" in w for w in caps.warnings)
    require_sandbox(caps)  # asked for: no refusal


@pytest.mark.slow
def test_fallback_still_grades(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the sandbox the grader warns plainly and still grades."""
    monkeypatch.setenv("GRADER_SANDBOX", "none")
    course = snapshot_course(tmp_path / "repo")
    build("correct", tmp_path / "submitted" / "solo" / "flask-hub", course_dir=tmp_path,
          student="solo")
    [result] = grade(course, "flask-hub", course_dir=tmp_path, jobs=1,
                     limits=Limits(startup_seconds=20))
    assert result["status"] == "graded"
    assert result["score"] == result["max_score"] > 0
    assert any("resource limits only" in line for line in result["feedback"])
    assert result["sandbox"] == "none"


# --- the sandbox's walls, intake and clean-up, attacked one by one -------------------------

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (chown, other uids)")
needs_sandbox = pytest.mark.skipif(not detect_sandbox().isolated,
                                   reason="needs root, namespaces and bubblewrap")
JOB_UID = 61999  # a sandbox uid these tests use directly (no batch runs as it here)


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A directory in /tmp that a sandbox uid may traverse (pytest's own is root-only)."""
    path = Path(tempfile.mkdtemp(prefix="blink-test-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    remove_tree(path)


class TestTrees:
    """Walking, hashing, copying and removing trees a student made."""

    def test_a_tree_1100_deep_is_hashed_walked_and_removed(self, tmp_path: Path) -> None:
        """No RecursionError anywhere: the hash sees the bottom file, removal leaves nothing."""
        (tmp_path / "sub").mkdir()
        make_deep(tmp_path / "sub", 1100)
        depths = [depth for _rel, _info, depth in walk(tmp_path / "sub")]
        assert max(depths) == 1100
        before = hash_tree(tmp_path / "sub")
        bottom = next(rel for rel, _info, _depth in walk(tmp_path / "sub")
                      if rel.endswith("bottom.txt"))
        (tmp_path / "sub" / bottom).write_text("changed\n")
        assert hash_tree(tmp_path / "sub") != before
        remove_tree(tmp_path / "sub")
        assert not (tmp_path / "sub").exists()

    def test_remove_tree_never_follows_a_link(self, tmp_path: Path) -> None:
        """A symlink inside the tree to a directory outside: the link goes, the target stays."""
        (tmp_path / "victim").mkdir()
        (tmp_path / "victim" / "precious.txt").write_text("keep me\n")
        (tmp_path / "tree" / "a").mkdir(parents=True)
        (tmp_path / "tree" / "a" / "link").symlink_to(tmp_path / "victim")
        (tmp_path / "tree" / "top-link").symlink_to(tmp_path / "victim")
        remove_tree(tmp_path / "tree")
        assert not (tmp_path / "tree").exists()
        assert (tmp_path / "victim" / "precious.txt").read_text() == "keep me\n"

    @pytest.mark.parametrize(("shape", "clue"), [
        ("deep", "nested more than 4 directories deep"),
        ("many", "more than 5 files"),
        ("large", "larger than 0.001 MB"),
    ])
    def test_intake_refuses_past_each_limit(self, tmp_path: Path, shape: str,
                                            clue: str) -> None:
        """Each limit gives its own message, before anything is copied."""
        root = tmp_path / "submission"
        root.mkdir()
        if shape == "deep":
            make_deep(root, 5)
        elif shape == "many":
            for index in range(6):
                (root / f"f{index}.py").write_text("x = 1\n")
        else:
            (root / "big.bin").write_bytes(b"\0" * 2000)
        limits = IntakeLimits(max_depth=4, max_files=5, max_bytes=1000)
        with pytest.raises(IntakeError, match=clue):
            intake_submission(root, tmp_path / "copy", limits)
        assert not (tmp_path / "copy").exists()

    def test_a_submission_that_is_a_link_is_refused(self, tmp_path: Path) -> None:
        """submitted/<student>/<assignment> pointing elsewhere: nothing of there is copied."""
        (tmp_path / "elsewhere").mkdir()
        (tmp_path / "elsewhere" / "answers.py").write_text("SECRET = 42\n")
        (tmp_path / "submission").symlink_to(tmp_path / "elsewhere")
        with pytest.raises(IntakeError, match="symbolic link"):
            intake_submission(tmp_path / "submission", tmp_path / "copy", IntakeLimits())
        assert not (tmp_path / "copy").exists()

    @needs_root
    def test_intake_copies_without_special_bits_or_special_files(self, tmp_path: Path) -> None:
        """setuid, setgid and sticky bits, a FIFO, a device and a hard link out: none arrive."""
        root = tmp_path / "submission"
        (root / "bin").mkdir(parents=True)
        shutil.copy(shutil.which("id"), root / "bin" / "suid")
        os.chmod(root / "bin" / "suid", 0o4755)
        (root / "notes.txt").write_text("mine\n")
        os.chmod(root / "notes.txt", 0o2666)
        (root / "sticky").mkdir()
        os.chmod(root / "sticky", 0o1777)
        os.mkfifo(root / "pipe")
        os.mknod(root / "dev", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        (tmp_path / "answers.txt").write_text("secret\n")
        os.link(tmp_path / "answers.txt", root / "answers-link")
        os.link(root / "notes.txt", root / "notes-again")  # a hard link inside: kept
        (root / "escape").symlink_to("/etc")
        scan = intake_submission(root, tmp_path / "copy", IntakeLimits())
        assert scan.left_out == {"answers-link": "a hard link to a file outside it",
                                 "dev": "not a regular file", "pipe": "not a regular file"}
        copy = tmp_path / "copy"
        modes = {p.name: stat.S_IMODE(p.lstat().st_mode) for p in copy.rglob("*")
                 if not p.is_symlink()}
        assert modes == {"bin": 0o755, "suid": 0o755, "notes.txt": 0o644, "sticky": 0o755,
                         "notes-again": 0o644}
        assert os.readlink(copy / "escape") == "/etc"  # kept as a link, never followed
        assert (copy / "notes-again").read_text() == "mine\n"
        assert (copy / "notes-again").stat().st_nlink == 1

    @needs_root
    def test_the_box_copy_belongs_to_the_job_before_any_mode(self, tmp_path: Path) -> None:
        """Every file and directory of the job's copy is the job uid's, none setuid."""
        root = tmp_path / "submission"
        (root / "pkg").mkdir(parents=True)
        (root / "pkg" / "run.sh").write_text("#!/bin/sh\n")
        os.chmod(root / "pkg" / "run.sh", 0o6755)
        copy_tree(root, tmp_path / "app", uid=JOB_UID)
        entries = [tmp_path / "app", *(tmp_path / "app").rglob("*")]
        assert {(p.stat().st_uid, p.stat().st_gid) for p in entries} == {(JOB_UID, JOB_UID)}
        assert stat.S_IMODE((tmp_path / "app" / "pkg" / "run.sh").stat().st_mode) == 0o755


class TestWorkspace:
    """The batch's temporary directory: locked while it lives, removed on every way out."""

    def test_a_workspace_left_by_kill_9_is_removed_by_the_next_batch(self,
                                                                      tmp_path: Path) -> None:
        """Only unlocked, our own, by name and never through a link; live ones are kept."""
        code = ("import sys, time; from pathlib import Path; from grader.sandbox import "
                "Workspace; w = Workspace.create(Path(sys.argv[1])); "
                "(w.private / 'suite' / 'hidden').mkdir(parents=True); "
                "print(w.root, flush=True); time.sleep(600)")
        child = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)],
                                 stdout=subprocess.PIPE, text=True)
        dead = Path(child.stdout.readline().strip())
        child.kill()
        child.wait()
        child.stdout.close()
        live = Workspace.create(tmp_path)
        try:
            assert not dead.exists()  # create() cleaned it
            elsewhere = tmp_path / "elsewhere"
            (elsewhere / "keep").mkdir(parents=True)
            (tmp_path / "blink-grader-link").symlink_to(elsewhere)
            (tmp_path / "blink-grader-fresh-old-layout").mkdir()  # no lock, just made
            (tmp_path / "unrelated").mkdir()
            assert clean_stale_workspaces(tmp_path) == []
            assert live.root.is_dir() and (elsewhere / "keep").is_dir()
            assert (tmp_path / "blink-grader-fresh-old-layout").is_dir()
        finally:
            live.remove()
        assert not live.root.exists()

    @needs_root
    def test_a_workspace_of_another_user_is_left_alone(self, tmp_path: Path) -> None:
        """Same prefix, unlocked, but not ours: kept."""
        theirs = tmp_path / "blink-grader-theirs"
        (theirs / "private").mkdir(parents=True)
        os.chown(theirs, JOB_UID, JOB_UID)
        assert clean_stale_workspaces(tmp_path) == []
        assert theirs.is_dir()


def test_readable_hidden_tests_are_warned_about(write_tree, open_dir: Path) -> None:
    """A course others can read: a warning per place, with the command that closes it."""
    root = write_tree(open_dir / "course", {
        "course.toml": '[course]\nid = "c"\n[[assignment]]\nname = "hub"\nkind = "project"\n'
                       'source = "starter"\ncontract = "contract"\nframework = "flask"\n',
        "starter/wsgi.py": "", "contract/hidden/test_h.py": ""})
    course = load_course(root)
    course_dir = open_dir / "course-dir"
    course_dir.mkdir(mode=0o755)
    warnings = exposed_secrets(course, course.get("hub"), course_dir)
    assert len(warnings) == 2
    assert f"chmod 700 {course_dir}" in warnings[0]
    assert "hidden tests" in warnings[1] and f"chmod 700 {course.root}" in warnings[1]
    course.root.chmod(0o700)
    course_dir.chmod(0o700)
    assert exposed_secrets(course, course.get("hub"), course_dir) == []


def test_a_trickled_health_answer_cannot_stretch_the_wait(tmp_path: Path) -> None:
    """A byte every 0.05 s, never a full status line: the wait gives up at its deadline,
    long before the server has sent everything it meant to."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    sent = {"bytes": 0, "hung_up": False}

    def trickle() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(1024)
            for _ in range(400):  # 20 s worth
                try:
                    conn.send(b"H")
                except OSError:
                    sent["hung_up"] = True
                    return
                sent["bytes"] += 1
                time.sleep(0.05)

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        state = wait_healthy(server, listener.getsockname()[1], "/api/v1/health", 1.0)
        thread.join(timeout=30)
    finally:
        server.kill()
        server.wait()
        listener.close()
    assert state == "timeout"
    assert sent["hung_up"] and sent["bytes"] < 400


@needs_sandbox
def test_the_view_gives_no_root_and_shows_nothing_else(open_dir: Path) -> None:
    """A setuid-root program readable in the view runs as the job; the host is not there."""
    (open_dir / "bin").mkdir()
    shutil.copy(shutil.which("id"), open_dir / "bin" / "id")
    os.chmod(open_dir / "bin" / "id", 0o4755)  # root's, setuid: bwrap binds are nosuid
    (open_dir / "hidden").mkdir(mode=0o755)
    view = View(uid=JOB_UID, readable=(open_dir / "bin",), env={"PATH": "/usr/bin:/bin"})
    script = (f"{open_dir}/bin/id; grep -E '^(NoNewPrivs|CapEff)' /proc/self/status; "
              f"ls {open_dir}; {sys.executable} -c 'import socket; "
              "socket.create_connection((\"1.1.1.1\", 80), 2)' 2>&1 | tail -1")
    done = subprocess.run(bwrap_argv(view, ["sh", "-c", script]), capture_output=True,
                          text=True, timeout=60)
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"uid={JOB_UID}") and "euid=0" not in lines[0], done
    assert sorted(lines[1:3]) == ["CapEff:\t0000000000000000", "NoNewPrivs:\t1"], done
    assert lines[3:4] == ["bin"], done  # hidden/ beside it is not in the view
    assert "Network is unreachable" in done.stdout, done


@pytest.mark.slow
def test_no_sandbox_no_grading_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Where bubblewrap cannot run, `grader grade` refuses, says why and what to do, and
    writes nothing; with --unsafe-no-sandbox it grades, and each result says so."""
    monkeypatch.delenv("GRADER_SANDBOX", raising=False)
    monkeypatch.setattr(grader.sandbox, "bwrap_problem",
                        lambda: "bubblewrap is not installed (a test says so)")
    course = snapshot_course(tmp_path / "repo")
    build("correct", tmp_path / "submitted" / "solo" / "flask-hub", course_dir=tmp_path,
          student="solo")
    command = ["grade", "flask-hub", "--course", str(course.root), "--course-dir",
               str(tmp_path), "-j", "1"]
    assert main(command) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert "Cannot sandbox student code on this machine" in said, said
    assert "--unsafe-no-sandbox" in said and ("not installed" in said or "root" in said)
    assert not (tmp_path / "autograded").exists()
    assert main([*command, "--unsafe-no-sandbox"]) == 0
    result = read_result(results_path(tmp_path, "solo", "flask-hub"))
    assert result["sandbox"] == "none" and result["score"] == result["max_score"] > 0


@pytest.mark.slow
@needs_sandbox
def test_a_job_cut_by_its_wall_time_is_recorded_once(tmp_path: Path) -> None:
    """A runner still waiting for the server when the wall time ends: killed, every test
    recorded as not run, status graded, and a second batch leaves the result alone."""
    course = snapshot_course(tmp_path / "repo")
    build("import-loop", tmp_path / "submitted" / "loops" / "flask-hub", course_dir=tmp_path,
          student="loops")
    limits = Limits(startup_seconds=60.0, wall_seconds=4.0)  # the wall comes first
    [result] = grade(course, "flask-hub", course_dir=tmp_path, jobs=1, limits=limits)
    assert result["status"] == "graded" and result["score"] == 0 and result["tests"]
    assert {t["message"] for t in result["tests"] if t["visibility"] == "public"} == {
        "not run: the sandbox did not get your server going within 4 s, the time limit "
        "for one submission"}
    assert any("Grading stopped after 4 s" in line for line in result["feedback"])
    [again] = grade(course, "flask-hub", course_dir=tmp_path, jobs=1, limits=limits)
    assert again["graded_at"] == result["graded_at"]


@pytest.mark.slow
@needs_sandbox
def test_sigterm_removes_the_workspace_and_stops_the_job(tmp_path: Path) -> None:
    """SIGTERM mid-job (a closed terminal, a batch system's kill): the grader stops like
    Ctrl-C, and its workspace (the suite's copy, with the hidden tests) is gone."""
    course = snapshot_course(tmp_path / "repo")
    build("import-loop", tmp_path / "submitted" / "sigterm-victim" / "flask-hub",
          course_dir=tmp_path, student="sigterm-victim")
    before = set(Path(tempfile.gettempdir()).glob("blink-grader-*"))
    grader_cli = subprocess.Popen(
        [sys.executable, "-m", "grader", "grade", "flask-hub", "--course", str(course.root),
         "--course-dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workspace = None
    for _ in range(600):  # until the job's box exists (or the grader ended)
        made = set(Path(tempfile.gettempdir()).glob("blink-grader-*")) - before
        workspace = next((w for w in made if list(w.glob("boxes/sigterm-victim-*"))), None)
        if workspace is not None or grader_cli.poll() is not None:
            break
        time.sleep(0.1)
    assert workspace is not None, grader_cli.stderr.read().decode()[-2000:]
    grader_cli.terminate()
    _, err = grader_cli.communicate(timeout=60)
    assert grader_cli.returncode == 130 and b"interrupted" in err, err.decode()[-2000:]
    assert not workspace.exists()
    assert not (tmp_path / "autograded").exists()  # an interrupted job records nothing


def test_python_runtime_is_bound_after_the_private_tmp() -> None:
    """A course cloned under /tmp keeps its venv visible in the view: the private /tmp is
    mounted first and the Python runtime bound into it afterwards (bwrap mounts in order)."""
    from grader.bwrap import STUDENT_PACKAGES, View, bwrap_argv, python_paths

    argv = bwrap_argv(View(uid=65534, packages=STUDENT_PACKAGES), ["true"])
    tmpfs_at = max(i for i, arg in enumerate(argv) if arg == "--tmpfs" and argv[i + 1] == "/tmp")
    packages = python_paths(STUDENT_PACKAGES)
    for name in STUDENT_PACKAGES:  # the real packages, not test folders named like them
        assert any((p / "__init__.py").exists() and p.name == name for p in packages), name
    for prefix in packages:
        bound_at = next(i for i, arg in enumerate(argv)
                        if arg == "--ro-bind" and argv[i + 1] == str(prefix))
        assert bound_at > tmpfs_at, prefix


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"), reason="needs root")
def test_open_prefixes_opens_two_prefixes_under_one_closed_directory(tmp_path: Path) -> None:
    """A course cloned into a 0700 directory holds both the venv and `simulators/`: both
    must be reachable for the job's uid, and nothing else of that directory."""
    closed = tmp_path / "clone"
    for name in ("venv", "simulators", "secret"):
        (closed / name).mkdir(parents=True)
        (closed / name / "file").write_text(name)
    closed.chmod(0o700)
    # The staging mount points must sit outside every closed directory (as STAGING_DIR).
    stage = tempfile.mkdtemp(dir="/run" if os.path.isdir("/run") else "/var/tmp")
    script = textwrap.dedent(f"""
        import os, subprocess, sys
        from grader.bwrap import open_prefixes
        opened = open_prefixes([{str(closed / 'venv')!r}, {str(closed / 'simulators')!r}],
                               {stage!r})
        print(sorted(os.path.basename(p) for p in opened))
        for name in ("venv", "simulators", "secret"):
            path = os.path.join({str(closed)!r}, name, "file")
            seen = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534",
                                   "--clear-groups", "cat", path], capture_output=True,
                                  text=True)
            print(name, seen.stdout or "unreadable")
    """)
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", "--",
                           sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, cwd=Path(grader.sandbox.__file__).parents[1])
    shutil.rmtree(stage, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["['simulators', 'venv']", "venv venv",
                                        "simulators simulators", "secret unreadable"]
