"""`grader collect` and the layout check: a SOURCE folder of every kind of hand-in.

One folder holds a plain zip, a tarball (with links), a folder, a project nested two
levels deep, Canvas and Moodle names, and the hostile ones (a path out of the archive, a
zip bomb by count, by declared size and by a lying header, too deep, an empty zip, a
.rar); the tests check each student's root, status, files and time. Then the same
layout check in `grader grade`: a misfiled project is not run but "needs attention".
"""

from __future__ import annotations

import io
import json
import os
import stat
import tarfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from submissions import build, snapshot_course

from grader.__main__ import main
from grader.batch import Job, _grade_one, is_done, summary_table
from grader.collect import Collection, collect, read_times, student_entry
from grader.course import Course
from grader.errors import CollectError
from grader.feedback import feedback_path
from grader.layout import NEEDS_ATTENTION, find_root, layout_problems
from grader.results import format_timestamp, hash_tree, read_result, results_path
from grader.sandbox import detect_sandbox

MANIFEST = """
[course]
id = "collect-tests"

[[assignment]]
name = "flask-hub"
kind = "project"
source = "starter"
contract = "contract"
framework = "flask"
points = 325

[[assignment]]
name = "django-hub"
kind = "project"
source = "starter-django"
contract = "contract"
framework = "django"

[[assignment]]
name = "demo"
kind = "notebook"
points = 3

[grading.intake]
max_depth = 6
max_files = 30
max_bytes = 100_000
"""
PROJECT = {"wsgi.py": "from hub import create_app\napp = create_app()\n",
           "hub/__init__.py": "def create_app():\n    return None\n"}
DJANGO = {"manage.py": "import sys\n", "config/wsgi.py": "application = None\n"}
HANDED_IN = datetime(2026, 12, 1, 14, 3, tzinfo=UTC)
LATER = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def course(make_course) -> Course:
    """A course with a Flask and a Django project, a notebook assignment, small limits."""
    return make_course(MANIFEST, {"notebooks/demo/demo.ipynb": "{}"})


def zip_of(path: Path, files: dict[str, str | bytes], *, prefix: str = "",
           when: datetime = HANDED_IN) -> Path:
    """Write a zip of {name: content} (names under prefix); its mtime is `when`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, content in files.items():
            zipped.writestr(prefix + name, content)
    return touch(path, when)


def touch(path: Path, when: datetime = HANDED_IN) -> Path:
    """Give path (a file, or every file of a folder) the modification time `when`."""
    stamp = when.timestamp()
    for item in [path, *path.rglob("*")] if path.is_dir() else [path]:
        os.utime(item, (stamp, stamp), follow_symlinks=False)
    return path


def tarball(path: Path, files: dict[str, str]) -> Path:
    """A .tar.gz of files, plus a symbolic link to /etc/passwd and a hard link."""
    with tarfile.open(path, "w:gz") as tarred:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), int(HANDED_IN.timestamp())
            tarred.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("secret")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tarred.addfile(link)
        hard = tarfile.TarInfo("also-wsgi.py")
        hard.type, hard.linkname = tarfile.LNKTYPE, "wsgi.py"
        tarred.addfile(hard)
    return touch(path)


def lying_zip(path: Path) -> Path:
    """A zip whose header declares 10 bytes for a file of 90,000."""
    zip_of(path, {**PROJECT, "data.bin": b"x" * 90_000})
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (found := data.find(signature, start)) != -1:
            name_at = found + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + 8] == b"data.bin":
                data[found + offset:found + offset + 4] = (10).to_bytes(4, "little")
            start = found + 4
    path.write_bytes(bytes(data))
    return touch(path)


def build_source(root: Path) -> Path:
    """The SOURCE folder: one entry per case (see the module's docstring)."""
    root.mkdir()
    zip_of(root / "ana.zip", PROJECT)
    tarball(root / "bo.tar.gz", PROJECT)
    for name, text in PROJECT.items():
        (root / "cy" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "cy" / name).write_text(text)
    (root / "cy" / "passwords").symlink_to("/etc/passwd")
    touch(root / "cy")
    zip_of(root / "dee.zip", {**{f"flask-hub-main/{n}": t for n, t in PROJECT.items()},
                              "README.md": "# my hub\n", "flask-hub-main/.DS_Store": "x",
                              "__MACOSX/flask-hub-main/._wsgi.py": "x"}, prefix="dee-work/")
    zip_of(root / "doejane_12345_67890_flask-hub.zip", PROJECT, prefix="flask-hub/")
    zip_of(root / "smithbob_LATE_222_333_hub.zip", PROJECT, when=LATER)
    zip_of(root / "LATE_anon_x7Yq2_444_hub.zip", PROJECT)
    (root / "doejane_12345_text.html").write_text("<p>see the zip</p>")
    moodle = root / "Jane Roe_555_assignsubmission_file"
    zip_of(moodle / "flask-hub.zip", PROJECT, prefix="flask-hub-main/")
    (root / "Jane Roe_555_assignsubmission_onlinetext").mkdir()
    zip_of(root / "evil.zip", {**PROJECT, "../../evil.py": "print('out')"})
    zip_of(root / "many.zip", {**PROJECT, **{f"notes/{i}.txt": "x" for i in range(40)}})
    zip_of(root / "swarm.zip", {**PROJECT, **{f"__MACOSX/{i}": "" for i in range(400)}})
    zip_of(root / "huge.zip", {**PROJECT, "data.bin": b"\0" * 200_000})
    lying_zip(root / "liar.zip")
    zip_of(root / "deep.zip", {**PROJECT, "a/b/c/d/e/f/g/h/deep.txt": "x"})
    zip_of(root / "empty.zip", {})
    zip_of(root / "mixup.zip", DJANGO)
    (root / "zed.rar").write_bytes(b"Rar!\x1a\x07\x00")
    (root / "grades.csv").write_text("student,grade\n")
    return root


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return build_source(tmp_path / "source")


@pytest.fixture
def collected(course: Course, source: Path, tmp_path: Path) -> Collection:
    """The SOURCE collected once into tmp_path/course-dir."""
    return collect(course, "flask-hub", source, course_dir=tmp_path / "course-dir")


def records(collection: Collection) -> dict[str, dict]:
    return {r.student: r.as_dict() for r in collection.records}


def submitted(collection: Collection, student: str) -> Path:
    return collection.path.parent.parent / "submitted" / student / "flask-hub"


def tree(path: Path) -> list[str]:
    return sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())


# -- who and where -------------------------------------------------------------------------

@pytest.mark.parametrize(("student", "source_name", "root"), [
    ("ana", "ana.zip", "."),
    ("bo", "bo.tar.gz", "."),
    ("cy", "cy", "."),
    ("dee", "dee.zip", "dee-work/flask-hub-main"),
    ("doejane", "doejane_12345_67890_flask-hub.zip", "flask-hub"),
    ("smithbob", "smithbob_LATE_222_333_hub.zip", "."),
    ("anon_x7Yq2", "LATE_anon_x7Yq2_444_hub.zip", "."),
    ("jane-roe", "Jane Roe_555_assignsubmission_file", "flask-hub-main"),
])
def test_a_good_submission_lands_unwrapped(collected: Collection, student: str,
                                           source_name: str, root: str) -> None:
    """Every naming and packing gives the project at the top of submitted/<student>/."""
    record = records(collected)[student]
    assert (record["source"], record["root"], record["status"]) == (source_name, root, "ok")
    assert record["files"] == 2 and record["action"] == "new"
    assert tree(submitted(collected, student)) == ["hub/__init__.py", "timestamp.txt",
                                                   "wsgi.py"]


def test_links_and_system_files_are_left_out_and_listed(collected: Collection) -> None:
    """No symbolic or hard link is made; __MACOSX, .DS_Store and files outside the project
    are dropped, and the notes say so."""
    found = records(collected)
    assert any("secret (a symbolic link)" in n and "also-wsgi.py (a hard link)" in n
               for n in found["bo"]["notes"]), found["bo"]["notes"]
    assert any("passwords (a symbolic link)" in n for n in found["cy"]["notes"])
    assert any("Left out 1 file(s) outside dee-work/flask-hub-main/: dee-work/README.md" in n
               for n in found["dee"]["notes"]), found["dee"]["notes"]
    assert any("Dropped 2 cache or system entries" in n for n in found["dee"]["notes"])
    for student in ("bo", "cy"):
        assert not any(p.is_symlink() for p in submitted(collected, student).rglob("*"))


def test_canvas_late_flag_and_skipped_entries_are_reported(collected: Collection) -> None:
    """Canvas's LATE is noted; a text entry, another Moodle plugin and a CSV are skipped."""
    assert "Canvas marked it late." in records(collected)["smithbob"]["notes"]
    skipped = dict(collected.skipped)
    assert skipped["doejane_12345_text.html"] == "a Canvas text or URL entry, not a file"
    assert skipped["Jane Roe_555_assignsubmission_onlinetext"].startswith("Moodle's onlinetext")
    assert skipped["grades.csv"] == "not a zip, a tarball or a folder"
    assert any("Canvas and Moodle download" in w for w in collected.warnings)


@pytest.mark.parametrize(("student", "reason"), [
    ("evil", "unsafe name '../../evil.py' in it (a path outside the archive)"),
    ("many", "it holds 42 files, more than the course's 30"),
    ("swarm", "it declares 402 entries, more than 300 (a zip bomb?)"),
    ("huge", "MB unpacked, more than the course's 0.1 MB ([grading.intake] max_bytes"),
    ("liar", "liar.zip could not be read (BadZipFile: Bad CRC-32 for file 'data.bin')"),
    ("deep", "nested more than 6 folders deep"),
    ("zed", "zed.rar is a .rar the grader cannot unpack"),
], ids=["evil", "many", "swarm", "huge", "liar", "deep", "zed"])
def test_a_hostile_or_unreadable_archive_is_refused_alone(collected: Collection,
                                                          student: str, reason: str) -> None:
    """Refused with the reason, nothing written for that student, the others collected."""
    record = records(collected)[student]
    assert record["status"].startswith("refused: ") and reason in record["status"], record
    assert record["action"] == "none" and record["root"] == ""
    assert not submitted(collected, student).parent.exists()
    assert records(collected)["ana"]["status"] == "ok"


def test_nothing_escapes_the_course_directory(collected: Collection, tmp_path: Path) -> None:
    """The traversal's target was never written, and no work folder is left behind."""
    assert not list(tmp_path.rglob("evil.py"))
    course_dir = collected.path.parent.parent
    assert sorted(p.name for p in course_dir.iterdir()) == ["collected", "submitted"]


@pytest.mark.parametrize(("student", "clue"), [
    ("empty", "The submission is empty — hand in your project's folder"),
    ("mixup", "this looks like a Django project, and flask-hub is the Flask one"),
], ids=["empty", "mixup"])
def test_an_ungradable_layout_is_written_but_needs_attention(collected: Collection,
                                                             student: str, clue: str) -> None:
    """Written (so grading gives the student the reason), with the status saying why."""
    record = records(collected)[student]
    assert record["status"].startswith("needs attention: ") and clue in record["status"]
    assert (submitted(collected, student) / "timestamp.txt").is_file()


# -- times ---------------------------------------------------------------------------------

def test_the_file_time_goes_to_timestamp_txt_in_nbgrader_format(collected: Collection) -> None:
    """From the archive's, file's or folder's newest modification time, said so."""
    for student, when in (("ana", HANDED_IN), ("cy", HANDED_IN), ("smithbob", LATER),
                          ("jane-roe", HANDED_IN)):
        text = (submitted(collected, student) / "timestamp.txt").read_text()
        assert text == format_timestamp(when) + "\n", student
        record = records(collected)[student]
        assert (record["submitted_at"], record["time_source"]) == (when.isoformat(), "file")
    assert format_timestamp(HANDED_IN) == "2026-12-01 14:03:00.000000 UTC"


def test_times_from_a_csv_win_over_file_times(course: Course, source: Path,
                                              tmp_path: Path) -> None:
    """--times rows match the student id or the LMS number; a row for nobody is listed."""
    times = tmp_path / "times.csv"
    times.write_text("student,submitted_at\nana,2026-12-03T08:00:00Z\n"
                     "12345,2026-12-04T10:00:00+02:00\nghost,2026-12-01T00:00:00Z\n")
    collection = collect(course, "flask-hub", source, course_dir=tmp_path / "dir", times=times)
    found = records(collection)
    assert (found["ana"]["submitted_at"], found["ana"]["time_source"]) == (
        "2026-12-03T08:00:00+00:00", "times")
    assert (submitted(collection, "doejane") / "timestamp.txt").read_text() == \
        "2026-12-04 08:00:00.000000 UTC\n"
    assert found["cy"]["time_source"] == "file"
    assert "Not in the --times file: the file time is used." in found["cy"]["notes"]
    assert collection.unused_times == ["ghost"] and collection.warnings == []


def test_a_bad_times_csv_is_an_error_that_says_what_to_write(tmp_path: Path) -> None:
    wrong = tmp_path / "times.csv"
    wrong.write_text("name,when\nana,yesterday\n")
    with pytest.raises(CollectError, match="needs the columns student and submitted_at"):
        read_times(wrong)
    wrong.write_text("student,submitted_at\nana,yesterday\n")
    with pytest.raises(CollectError, match="line 2: 'yesterday' is not an ISO time"):
        read_times(wrong)


# -- running again -------------------------------------------------------------------------

def test_running_again_leaves_unchanged_work_alone(course: Course, source: Path,
                                                   collected: Collection) -> None:
    """Same files: nothing moves, the time stays (even though the file was touched)."""
    stamp = (submitted(collected, "ana") / "timestamp.txt").read_text()
    inode = submitted(collected, "ana").stat().st_ino
    touch(source / "ana.zip", LATER)
    again = collect(course, "flask-hub", source, course_dir=collected.path.parent.parent)
    found = records(again)
    assert {found[s]["action"] for s in ("ana", "bo", "cy", "dee", "jane-roe")} == {"unchanged"}
    assert found["ana"]["time_source"] == "earlier"
    assert (submitted(again, "ana") / "timestamp.txt").read_text() == stamp
    assert submitted(again, "ana").stat().st_ino == inode


def test_a_changed_submission_replaces_the_old_one(course: Course, source: Path,
                                                   collected: Collection) -> None:
    zip_of(source / "ana.zip", {**PROJECT, "hub/extra.py": "X = 1\n"}, when=LATER)
    again = collect(course, "flask-hub", source, course_dir=collected.path.parent.parent)
    record = records(again)["ana"]
    assert (record["action"], record["files"], record["time_source"]) == ("replaced", 3, "file")
    assert "hub/extra.py" in tree(submitted(again, "ana"))
    assert (submitted(again, "ana") / "timestamp.txt").read_text() == \
        format_timestamp(LATER) + "\n"


def test_students_with_nothing_new_and_refused_ones_keep_their_submission(
        course: Course, source: Path, collected: Collection) -> None:
    """Gone from SOURCE: kept. Refused now: the earlier submission stays."""
    (source / "cy" / "wsgi.py").unlink()
    for name in ("cy/hub/__init__.py", "cy/passwords"):
        (source / name).unlink()
    (source / "cy" / "hub").rmdir()
    (source / "cy").rmdir()
    zip_of(source / "ana.zip", {**PROJECT, "../escape.py": "x"})
    again = collect(course, "flask-hub", source, course_dir=collected.path.parent.parent)
    assert "cy" in again.kept and "cy" not in records(again)
    assert records(again)["ana"]["action"] == "kept earlier"
    assert tree(submitted(again, "ana")) == ["hub/__init__.py", "timestamp.txt", "wsgi.py"]
    saved = {r["student"]: r for r in json.loads(again.path.read_text())}
    assert saved["cy"]["action"] == "new"  # its record from the first run is kept
    assert saved["ana"]["status"].startswith("refused: ")


def test_collected_json_holds_every_record(collected: Collection) -> None:
    saved = json.loads(collected.path.read_text())
    assert [r["student"] for r in saved] == sorted(records(collected))
    assert set(saved[0]) == {"student", "source", "root", "files", "submitted_at",
                             "time_source", "status", "action", "notes"}


# -- sources -------------------------------------------------------------------------------

def test_a_bulk_download_zip_is_unpacked_first(course: Course, source: Path,
                                               tmp_path: Path) -> None:
    """The same entries, zipped inside one folder (as a bulk download may be)."""
    bulk = tmp_path / "bulk.zip"
    with zipfile.ZipFile(bulk, "w") as zipped:
        for path in sorted(source.rglob("*")):
            if path.is_file() and not path.is_symlink():
                zipped.write(path, "submissions/" + path.relative_to(source).as_posix())
    collection = collect(course, "flask-hub", bulk, course_dir=tmp_path / "dir")
    found = records(collection)
    assert found["doejane"]["root"] == "flask-hub" and found["jane-roe"]["status"] == "ok"
    assert found["evil"]["status"].startswith("refused: ")


def test_a_single_submission_as_source_is_an_error(course: Course, tmp_path: Path) -> None:
    """Collecting ana.zip itself would make students of wsgi.py and hub/: refused."""
    with pytest.raises(CollectError, match="looks like one student's submission"):
        collect(course, "flask-hub", zip_of(tmp_path / "ana.zip", PROJECT),
                course_dir=tmp_path / "dir")
    with pytest.raises(CollectError, match="does not exist"):
        collect(course, "flask-hub", tmp_path / "nowhere", course_dir=tmp_path / "dir")


def test_two_plain_entries_for_one_student_are_refused(course: Course, tmp_path: Path) -> None:
    root = tmp_path / "src"
    zip_of(root / "ana.zip", PROJECT)
    zip_of(root / "ana.tar.zip", PROJECT)  # "ana.tar": another id
    zip_of(root / "bo.zip", PROJECT)
    (root / "bo").mkdir()
    collection = collect(course, "flask-hub", root, course_dir=tmp_path / "dir")
    found = records(collection)
    assert found["bo"]["status"] == ("refused: two entries in SOURCE make this id — keep one "
                                     "of them")
    assert found["ana"]["status"] == "ok" and found["ana.tar"]["status"] == "ok"


@pytest.mark.parametrize(("name", "expected"), [
    ("ana.zip", ("ana", "plain", None, False)),
    ("Ana Lima.tar.gz", ("Ana-Lima", "plain", None, False)),
    ("doejane_12345_67890_flask-hub.zip", ("doejane", "canvas", "12345", False)),
    ("doejane_LATE_12345_67890_flask-hub-1.zip", ("doejane", "canvas", "12345", True)),
    ("anon_x7Yq2_67890_hub.zip", ("anon_x7Yq2", "canvas", "anon_x7Yq2", False)),
    ("Jürgen Müller_77_assignsubmission_file_hub.zip", ("jurgen-muller", "moodle", "77", False)),
    ("Participant_88_assignsubmission_file_hub.zip", ("participant-88", "moodle", "88", False)),
], ids=["plain", "plain-spaces", "canvas", "canvas-late", "canvas-anonymous", "moodle-accents",
        "moodle-blind"])
def test_names_give_student_ids(tmp_path: Path, name: str, expected: tuple) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    entry = student_entry(path)
    assert not isinstance(entry, str), entry
    assert (entry.student, entry.lms, entry.lms_id, entry.late) == expected


def test_notebooks_nested_are_unwrapped_and_renamed_ones_need_attention(
        course: Course, tmp_path: Path) -> None:
    root = tmp_path / "src"
    zip_of(root / "ana.zip", {"demo.ipynb": "{}"}, prefix="lab/week1/")
    zip_of(root / "bo.zip", {"demo (1).ipynb": "{}"})
    collection = collect(course, "demo", root, course_dir=tmp_path / "dir")
    found = records(collection)
    assert (found["ana"]["root"], found["ana"]["status"]) == ("lab/week1", "ok")
    assert found["bo"]["status"] == (
        "needs attention: None of this assignment's notebooks (demo.ipynb) is at the top of "
        "the submission; it holds demo (1).ipynb — keep the notebook's name as it was given: "
        "demo.ipynb.")


def test_the_command_prints_the_table_and_says_what_next(course: Course, source: Path,
                                                         tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    argv = ["collect", "flask-hub", str(source), "--course", str(course.root),
            "--course-dir", str(tmp_path / "dir")]
    assert main(argv) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "flask-hub: 17 submission(s)" in out and "dee-work/flask-hub-main" in out
    assert "refused" in out and "Next: grader grade flask-hub" in out
    assert "Skipped 3 entries of SOURCE" in out
    assert main([*argv[:2], str(tmp_path / "nowhere"), *argv[3:]]) == 1
    assert "does not exist" in capsys.readouterr().err


# -- the layout check ----------------------------------------------------------------------

@pytest.mark.parametrize(("files", "expected"), [
    (PROJECT, []),
    ({f"flask-hub-main/{n}": t for n, t in PROJECT.items()},
     ["No wsgi.py at the top of the submission; found one in flask-hub-main/wsgi.py — hand "
      "in the folder that holds wsgi.py."]),
    ({**{f"a/{n}": t for n, t in PROJECT.items()}, **{f"b/{n}": t for n, t in PROJECT.items()}},
     ["No wsgi.py at the top of the submission; found 2, in a/wsgi.py and b/wsgi.py — hand "
      "in only the folder of your project, the one that holds wsgi.py."]),
    ({"README.md": "hi", "hub/__init__.py": ""},
     ["No wsgi.py anywhere in the submission (at its top: README.md and hub/) — hand in "
      "your project's folder, the one that holds wsgi.py at its top (as the starter does)."]),
    ({"venv/pyvenv.cfg": "", "venv/lib/werkzeug/wsgi.py": "", "hub.zip": "PK"},
     ["No wsgi.py anywhere in the submission; it holds hub.zip — unpack it and hand in your "
      "project's folder, the one that holds wsgi.py at its top (as the starter does)."]),
], ids=["top", "nested", "two", "none", "zip-and-venv"])
def test_layout_problems_of_a_flask_project(course: Course, tmp_path: Path, write_tree,
                                            files: dict, expected: list[str]) -> None:
    root = write_tree(tmp_path / "sub", files)
    assert layout_problems(course.get("flask-hub"), root) == expected


def test_layout_of_django_and_notebooks(course: Course, tmp_path: Path, write_tree) -> None:
    """Django needs manage.py (found nested), and its config/wsgi.py is no Flask project;
    a link at the top counts as there."""
    django = write_tree(tmp_path / "dj", {f"site/{n}": t for n, t in DJANGO.items()})
    assert find_root(course.get("django-hub"), django) == "site"
    assert "found one in site/manage.py" in layout_problems(course.get("django-hub"),
                                                            django)[0]
    assert find_root(course.get("flask-hub"), django) is None
    assert layout_problems(course.get("flask-hub"), django) == [
        "No wsgi.py at the top of the submission, but a manage.py in site/manage.py: this "
        "looks like a Django project, and flask-hub is the Flask one — hand in your Flask "
        "project, the folder that holds wsgi.py."]
    linked = tmp_path / "nb"
    linked.mkdir()
    (linked / "demo.ipynb").symlink_to("/etc/passwd")
    assert layout_problems(course.get("demo"), linked) == []
    assert layout_problems(course.get("demo"), tmp_path / "missing") == []


def test_hash_tree_ignores_the_timestamp_at_the_top_only(tmp_path: Path, write_tree) -> None:
    root = write_tree(tmp_path / "sub", PROJECT)
    before = hash_tree(root)
    (root / "timestamp.txt").write_text("2026-12-01 14:03:00.000000 UTC\n")
    assert hash_tree(root) == before
    (root / "hub" / "timestamp.txt").write_text("mine\n")
    assert hash_tree(root) != before


# -- grading a misfiled submission ---------------------------------------------------------

def test_grading_a_misfiled_submission_does_not_run_it(course: Course, tmp_path: Path,
                                                       write_tree) -> None:
    """_grade_one writes "needs attention" without running the job; it is not done."""
    nested = write_tree(tmp_path / "submitted" / "ana" / "flask-hub",
                        {f"flask-hub-main/{n}": t for n, t in PROJECT.items()})
    job = Job(student="ana", path=nested)

    def run(job: Job) -> dict:
        raise AssertionError("a misfiled submission must not be run")

    assignment = course.get("flask-hub")
    result = _grade_one(tmp_path, assignment, job, run, "suite-1")
    assert (result["status"], result["score"], result["max_score"], result["tests"]) == (
        NEEDS_ATTENTION, 0, 325.0, [])
    assert "found one in flask-hub-main/wsgi.py" in result["feedback"][0]
    assert read_result(results_path(tmp_path, "ana", "flask-hub")) == result
    assert "flask-hub-main/wsgi.py" in feedback_path(tmp_path, "ana", "flask-hub").read_text()
    assert not is_done(tmp_path, "flask-hub", job, "suite-1")
    table = summary_table(assignment, [result])
    assert table.title == "flask-hub: 1 result(s), 1 needs attention"
    assert list(table.columns[1].cells) == ["— / 325"]


@pytest.mark.skipif(not detect_sandbox().isolated, reason="needs root and namespaces")
def test_grader_grade_gives_a_misfiled_project_needs_attention(tmp_path: Path) -> None:
    """The real starter handed in one folder too deep: not 0/334 "graded" but "needs
    attention" saying where wsgi.py is, on the result and the student's page."""
    repo = tmp_path / "repo"
    snapshot_course(repo)
    manifest = repo / "course.toml"
    manifest.write_text(manifest.read_text().replace('framework = "flask"',
                                                     'framework = "flask"\npoints = 334'))
    course_dir = tmp_path / "course"
    build("correct", course_dir / "submitted" / "misfiled" / "flask-hub" / "flask-hub-main",
          course_dir=course_dir, student="misfiled")
    assert main(["grade", "flask-hub", "--course", str(repo), "--course-dir",
                 str(course_dir), "-j", "1"]) == 0
    result = read_result(results_path(course_dir, "misfiled", "flask-hub"))
    assert (result["status"], result["score"], result["max_score"], result["tests"]) == (
        "needs attention", 0, 334.0, [])
    assert result["feedback"] == [
        "No wsgi.py at the top of the submission; found one in flask-hub-main/wsgi.py — hand "
        "in the folder that holds wsgi.py."]
    page = feedback_path(course_dir, "misfiled", "flask-hub").read_text()
    assert "flask-hub-main/wsgi.py" in page
    assert stat.S_ISDIR(os.lstat(course_dir / "submitted" / "misfiled").st_mode)
