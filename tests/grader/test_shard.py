"""Sharding a class across machines: `grader grade --shard I/N`, `grader merge`, and the
batch-system files in deploy/ that run them.

The slow test at the end grades a real notebook assignment once whole and once as three
shards in three course directories, merges them, and compares the two gradebooks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from grader.__main__ import main
from grader.batch import find_submissions, grade
from grader.course import Course, load_course
from grader.errors import MergeError, ShardError
from grader.merge import merge
from grader.results import atomic_write_json, atomic_write_text, hash_tree, make_result
from grader.sandbox import detect_sandbox
from grader.shard import parse_shard, shard_of

REPO = Path(__file__).resolve().parents[2]

AWKWARD_IDS = [
    "ana", "Ana", "ANA", "ana.", "0", "00", "1", "-1", "a b", " lead", "o'brien", "émile",
    "zoë", "李雷", "x" * 200, "name@example.org", "x-y_z.1", "日本語 テキスト", "tab\tname",
    "\udcff\udcfebytes",  # a directory name that is not UTF-8, as os.listdir gives it
    *(f"s{n:03d}" for n in range(60)),
]


def submit_all(course_dir: Path, students: list[str], assignment: str = "demo") -> None:
    """An empty submission per student under submitted/<student>/<assignment>/."""
    for student in students:
        (course_dir / "submitted" / student / assignment).mkdir(parents=True)


# --- the rule -------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5])
def test_every_student_is_in_exactly_one_shard(tmp_path: Path, count: int) -> None:
    """find_submissions with --shard I/N, I = 1..N: the slices cover the class, no overlap."""
    submit_all(tmp_path, AWKWARD_IDS)
    everyone = [job.student for job in find_submissions(tmp_path, "demo")]
    assert sorted(everyone) == sorted(AWKWARD_IDS)
    slices = [[job.student for job in find_submissions(tmp_path, "demo", shard=(i, count))]
              for i in range(1, count + 1)]
    assert sorted(s for part in slices for s in part) == sorted(everyone)
    for i, part in enumerate(slices, start=1):
        assert all(shard_of(student, count) == i for student in part)
    if count > 1:  # 80 students: no shard is empty by chance
        assert all(slices), [len(part) for part in slices]


def test_a_late_submission_moves_nobody(tmp_path: Path) -> None:
    """Shard 1 lists submitted/ before two late submissions land, shards 2 and 3 after:
    still nobody graded twice and nobody missed (round-robin over the sorted list would
    shift every student after "aaa")."""
    early = [f"s{n:03d}" for n in range(30)]
    submit_all(tmp_path, early)
    first = [job.student for job in find_submissions(tmp_path, "demo", shard=(1, 3))]
    submit_all(tmp_path, ["aaa", "late"])
    rest = [job.student for i in (2, 3)
            for job in find_submissions(tmp_path, "demo", shard=(i, 3))]
    late_in_first = [s for s in ("aaa", "late") if shard_of(s, 3) == 1]
    assert sorted(first + rest + late_in_first) == sorted([*early, "aaa", "late"])
    assert not set(first) & set(rest)


def test_the_rule_is_the_same_in_every_process() -> None:
    """A stable hash, not Python's hash() (salted per process): pinned values, and a child
    interpreter with another PYTHONHASHSEED agrees."""
    assert [shard_of(s, 4) for s in ("emma", "farid", "ana", "dev")] == [1, 2, 3, 4]
    code = ("from grader.shard import shard_of; "
            "print([shard_of(s, 5) for s in ('ana', 'ben', 'chloé', 's001')])")
    child = subprocess.run([str(REPO / ".venv/bin/python"), "-c", code], capture_output=True,
                           text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "123"})
    assert child.stdout.strip() == str([shard_of(s, 5) for s in ("ana", "ben", "chloé", "s001")])


@pytest.mark.parametrize(("text", "expected"), [("1/1", (1, 1)), ("2/4", (2, 4)),
                                                ("4/4", (4, 4)), (" 3 / 5 ", (3, 5))])
def test_shard_option_reads_i_of_n(text: str, expected: tuple[int, int]) -> None:
    assert parse_shard(text) == expected


@pytest.mark.parametrize(("text", "says"), [
    ("0/4", "numbered from 1 to 4"), ("5/4", "numbered from 1 to 4"),
    ("x", "takes I/N"), ("1/0", "at least one shard"), ("-1/4", "takes I/N"),
    ("2", "takes I/N"), ("", "takes I/N"), ("1/4/2", "takes I/N")])
def test_a_bad_shard_option_says_what_to_write(text: str, says: str) -> None:
    with pytest.raises(ShardError, match=says):
        parse_shard(text)


def test_the_command_line_refuses_a_bad_shard(capsys: pytest.CaptureFixture[str]) -> None:
    """`grader grade ... --shard 5/4`: one line saying why, exit status 1, nothing graded."""
    assert main(["grade", "01-serial", "--shard", "5/4", "--course", str(REPO)]) == 1
    error = capsys.readouterr().err
    assert "--shard 5/4" in error and "1 to 4" in error and "Traceback" not in error


def test_shard_and_student_do_not_go_together(demo_course: Course) -> None:
    submit_all(demo_course.root, ["ana"])
    with pytest.raises(ShardError, match="--student and --shard"):
        grade(demo_course, "demo", course_dir=demo_course.root, students=["ana"], shard=(1, 2))


# --- merge ----------------------------------------------------------------------------------


def fake_result(course_dir: Path, student: str, assignment: str = "flask-hub", *,
                score: float = 10.0, version: str = "suite-1", status: str = "graded",
                sha: str = "sha-of-submission", page: str = "feedback") -> dict[str, Any]:
    """Write a results.json, one autograded notebook-like file and a feedback page, as a
    grader run leaves them."""
    tests = [{"name": "test_a", "visibility": "public", "points": 10.0, "earned": score,
              "passed": score == 10.0, "hint": "", "duration": 0.1, "message": None}]
    result = make_result(student=student, assignment=assignment, kind="project", tests=tests,
                         feedback=[], submission_sha256=sha, suite_version=version,
                         max_score=10.0, status=status)
    folder = course_dir / "autograded" / student / assignment
    atomic_write_json(folder / "results.json", result)
    atomic_write_text(folder / "extra.txt", f"{student} {score}\n")
    atomic_write_text(course_dir / "feedback" / student / assignment / "index.html",
                      f"<p>{page} {student} {score}</p>\n")
    return result


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_merge_copies_results_and_feedback(tmp_path: Path) -> None:
    one, two, course = tmp_path / "shard-1", tmp_path / "shard-2", tmp_path / "course"
    fake_result(one, "ana", score=10.0)
    fake_result(one, "ben", score=0.0, status="error")
    fake_result(two, "chloé", score=5.0)
    report = merge(course, [one, two])
    assert sorted(i.student for i in report.merged) == ["ana", "ben", "chloé"]
    assert report.replaced == 0 and report.duplicates == 0
    assert read_json(course / "autograded/chloé/flask-hub/results.json")["score"] == 5.0
    assert (course / "autograded/ana/flask-hub/extra.txt").read_text() == "ana 10.0\n"
    assert "ben 0.0" in (course / "feedback/ben/flask-hub/index.html").read_text()
    assert [(len(s.students), s.statuses["graded"], s.statuses["error"])
            for s in report.shards] == [(2, 1, 1), (1, 1, 0)]
    leftovers = [p.name for p in (course / "autograded" / "ana").iterdir()]
    assert leftovers == ["flask-hub"], "no staging folder left behind"


def test_merge_replaces_a_folder_but_keeps_the_adjustments(tmp_path: Path) -> None:
    """The shard's folder replaces the old one whole (a file only the old had is gone);
    the instructor's adjustments.json stays."""
    shard, course = tmp_path / "shard-1", tmp_path / "course"
    fake_result(course, "ana", score=2.0)
    stale = course / "autograded/ana/flask-hub/old-notebook.ipynb"
    stale.write_text("{}")
    adjustments = course / "autograded/ana/flask-hub/adjustments.json"
    adjustments.write_text('{"adjustments": [{"points": 1.0, "reason": "typo"}]}')
    fake_result(shard, "ana", score=10.0, page="regraded")
    report = merge(course, [shard])
    assert report.replaced == 1
    assert read_json(course / "autograded/ana/flask-hub/results.json")["score"] == 10.0
    assert not stale.exists()
    assert read_json(adjustments)["adjustments"][0]["reason"] == "typo"
    assert "regraded ana" in (course / "feedback/ana/flask-hub/index.html").read_text()


def test_a_student_graded_differently_in_two_shards_is_refused(tmp_path: Path) -> None:
    one, two, course = tmp_path / "shard-1", tmp_path / "shard-2", tmp_path / "course"
    fake_result(one, "ana", score=10.0)
    fake_result(two, "ana", score=4.0)
    fake_result(two, "ben")
    with pytest.raises(MergeError) as caught:
        merge(course, [one, two])
    message = str(caught.value)
    assert "ana's flask-hub" in message and str(one) in message and str(two) in message
    assert "10 / 10" in message and "4 / 10" in message
    assert not (course / "autograded").exists(), "nothing copied"


def test_the_same_grading_in_two_shards_is_kept_once(tmp_path: Path) -> None:
    """Two copies of one grading (same files, suite and outcomes): the newer is kept."""
    one, two, course = tmp_path / "shard-1", tmp_path / "shard-2", tmp_path / "course"
    older = fake_result(one, "ana", page="older")
    newer = fake_result(two, "ana", page="newer")
    newer["graded_at"] = "2999-01-01T00:00:00+00:00"
    atomic_write_json(two / "autograded/ana/flask-hub/results.json", newer)
    assert older["graded_at"] < newer["graded_at"]
    report = merge(course, [one, two])
    assert report.duplicates == 1 and len(report.merged) == 1
    assert "newer" in (course / "feedback/ana/flask-hub/index.html").read_text()


def test_another_suite_version_is_refused_unless_forced(tmp_path: Path) -> None:
    """Results of the old tests stay for ben: merging ana's, graded by new tests, would
    grade the class by two suites. --force merges; replacing everyone needs no force."""
    shard, course = tmp_path / "shard-1", tmp_path / "course"
    fake_result(course, "ana", version="suite-old")
    fake_result(course, "ben", version="suite-old")
    fake_result(shard, "ana", version="suite-new", score=7.0)
    with pytest.raises(MergeError, match=r"suite-new.*suite-old \(ben\).*--force"):
        merge(course, [shard])
    assert read_json(course / "autograded/ana/flask-hub/results.json")["score"] == 10.0
    merge(course, [shard], force=True)
    assert read_json(course / "autograded/ana/flask-hub/results.json")["score"] == 7.0
    fake_result(shard, "ben", version="suite-new", score=3.0)
    fake_result(course, "ana", version="suite-old")
    merge(course, [shard])  # every old result is replaced: one suite again
    assert read_json(course / "autograded/ben/flask-hub/results.json")["score"] == 3.0


def test_shards_graded_by_two_suites_are_refused(tmp_path: Path) -> None:
    one, two, course = tmp_path / "shard-1", tmp_path / "shard-2", tmp_path / "course"
    fake_result(one, "ana", version="suite-1")
    fake_result(two, "ben", version="suite-2")
    with pytest.raises(MergeError, match="different suite versions"):
        merge(course, [one, two])


def test_merge_warns_about_a_submission_handed_in_again(tmp_path: Path) -> None:
    shard, course = tmp_path / "shard-1", tmp_path / "course"
    submitted = course / "submitted" / "ana" / "flask-hub"
    submitted.mkdir(parents=True)
    (submitted / "wsgi.py").write_text("app = None\n")
    fake_result(shard, "ana", sha=hash_tree(submitted))
    fake_result(shard, "ben", sha="not-what-ben-handed-in")
    (course / "submitted" / "ben" / "flask-hub").mkdir(parents=True)
    report = merge(course, [shard])
    assert len(report.warnings) == 1 and "ben's flask-hub" in report.warnings[0]
    assert "ana" not in report.warnings[0]


def test_merge_refuses_missing_or_repeated_directories(tmp_path: Path) -> None:
    shard, course = tmp_path / "shard-1", tmp_path / "course"
    fake_result(shard, "ana")
    with pytest.raises(MergeError, match="does not exist"):
        merge(course, [shard, tmp_path / "shard-2"])
    with pytest.raises(MergeError, match="named twice"):
        merge(course, [shard, tmp_path / "." / "shard-1"])
    with pytest.raises(MergeError, match="course directory merged into"):
        merge(shard, [shard])
    with pytest.raises(MergeError, match="No shard has a result of 'flask-hb'"):
        merge(course, [shard], assignment="flask-hb")


def test_an_empty_shard_is_a_warning(tmp_path: Path) -> None:
    """A shard with no students leaves no autograded/: merged as zero, with a warning."""
    shard, empty, course = tmp_path / "shard-1", tmp_path / "shard-2", tmp_path / "course"
    fake_result(shard, "ana")
    empty.mkdir()
    report = merge(course, [shard, empty])
    assert len(report.merged) == 1 and "holds no results" in report.warnings[0]


def test_merge_command_prints_a_table_per_shard(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A row per shard, named as on the command line, then the merged totals."""
    monkeypatch.chdir(tmp_path)
    one, two, course = Path("shard-1"), Path("shard-2"), tmp_path / "course"
    fake_result(one, "ana")
    fake_result(one, "ben", status="needs attention", score=0.0)
    fake_result(two, "chloé")
    fake_result(two, "chloé", assignment="django-hub")
    status = main(["merge", "shard-1", "shard-2", "--course-dir", str(course),
                   "--assignment", "flask-hub"])
    out = " ".join(capsys.readouterr().out.split())
    assert status == 0
    assert "│ shard-1 │ 2 │ 1 │ 1 │ 0 │" in out
    assert "│ shard-2 │ 1 │ 1 │ 0 │ 0 │" in out
    assert "│ merged │ 3 │ 2 │ 1 │ 0 │" in out
    assert "Merged 3 result(s) of flask-hub" in out
    assert not (course / "autograded" / "chloé" / "django-hub").exists()


# --- the batch-system files -----------------------------------------------------------------


def test_the_kubernetes_jobs_parse_and_shard_by_index() -> None:
    """An indexed Job: one pod per index, N = completions = SHARDS, --shard from
    JOB_COMPLETION_INDEX + 1, a privileged pod (the sandbox), the course volume."""
    job = yaml.safe_load((REPO / "deploy/k8s/grade-shards.yaml").read_text())
    assert (job["apiVersion"], job["kind"]) == ("batch/v1", "Job")
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed"
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    (container,) = pod["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert int(env["SHARDS"]) == spec["completions"] >= spec["parallelism"]
    script = "\n".join(container["command"] + container.get("args", []))
    assert "JOB_COMPLETION_INDEX + 1" in script and '--shard "$shard/$SHARDS"' in script
    assert container["securityContext"]["privileged"] is True
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]}
    assert set(mounts) == set(claims)
    merge_job = yaml.safe_load((REPO / "deploy/k8s/merge-shards.yaml").read_text())
    (merger,) = merge_job["spec"]["template"]["spec"]["containers"]
    merger_env = {e["name"]: e.get("value") for e in merger["env"]}
    assert merger_env["SHARDS"] == env["SHARDS"]
    assert merger_env["ASSIGNMENT"] == env["ASSIGNMENT"]
    assert "grader merge" in "\n".join(merger["command"] + merger.get("args", []))


@pytest.mark.parametrize("script", ["grade-shards.sbatch", "merge-shards.sbatch", "submit.sh"])
def test_the_slurm_scripts_are_valid_bash(script: str) -> None:
    path = REPO / "deploy/slurm" / script
    checked = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert path.read_text().startswith("#!/bin/bash\n")


def test_the_slurm_array_task_runs_its_shard(tmp_path: Path) -> None:
    """The array task, run by bash with Slurm's variables and a stand-in grader, grades
    shard TASK_ID/SHARDS into its own directory beside a link to submitted/."""
    (tmp_path / "submitted").mkdir()
    log = tmp_path / "calls"
    fake = tmp_path / "fake-grader"
    fake.write_text(f'#!/bin/bash\necho "$@" >> {log}\n')
    fake.chmod(0o755)
    env = {**os.environ, "SLURM_ARRAY_TASK_ID": "3", "SLURM_CPUS_PER_TASK": "2",
           "ASSIGNMENT": "flask-hub", "SHARDS": "4", "COURSE_DIR": str(tmp_path),
           "GRADER": str(fake)}
    subprocess.run(["bash", str(REPO / "deploy/slurm/grade-shards.sbatch")], env=env,
                   check=True, capture_output=True)
    shard = tmp_path / "shards" / "flask-hub" / "3"
    assert log.read_text().split() == ["grade", "flask-hub", "--shard", "3/4",
                                       "--course-dir", str(shard), "-j", "2"]
    assert (shard / "submitted").resolve() == (tmp_path / "submitted").resolve()
    subprocess.run(["bash", str(REPO / "deploy/slurm/merge-shards.sbatch")], env=env,
                   check=True, capture_output=True)
    merged = log.read_text().splitlines()[1].split()
    assert merged == ["merge", *(str(tmp_path / "shards" / "flask-hub" / str(i))
                                 for i in range(1, 5)),
                      "--course-dir", str(tmp_path), "--assignment", "flask-hub"]


def test_the_slurm_task_refuses_an_index_past_shards(tmp_path: Path) -> None:
    env = {**os.environ, "SLURM_ARRAY_TASK_ID": "5", "ASSIGNMENT": "flask-hub",
           "SHARDS": "4", "COURSE_DIR": str(tmp_path), "GRADER": "false"}
    done = subprocess.run(["bash", str(REPO / "deploy/slurm/grade-shards.sbatch")], env=env,
                          capture_output=True, text=True)
    assert done.returncode != 0 and "--array=1-4" in done.stderr


# --- one real run: whole, then in three shards ----------------------------------------------


def break_answer(notebook: Path, grade_id: str, body: str) -> None:
    """Replace the solution of cell `grade_id` by `body` (under its signature line)."""
    document = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in document["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            source = "".join(cell["source"])
            cell["source"] = source.splitlines()[0] + f"\n    {body}\n"
    notebook.write_text(json.dumps(document), encoding="utf-8")


BROKEN = {
    "ana": {},
    "ben": {"checksum_failed": "return False"},
    "chloé": {"mean_temperature": "return None"},
    "dev": {"decode_line": "return raw", "checksum_failed": "return False"},
    "hana": {"parse_reading": "return {}"},
    "ivo": {"read_readings": "return []", "mean_temperature": "return 0"},
}


@pytest.mark.slow
@pytest.mark.skipif(not detect_sandbox().isolated, reason="needs root and bubblewrap")
@pytest.mark.filterwarnings("ignore:Object of type <Submitted:sqlalchemy.exc.SAWarning")
def test_three_shards_merged_give_the_same_gradebook(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    """01-serial for six students, scores apart: graded whole in one course directory,
    then as shards 1/3, 2/3, 3/3 in three others (each with a link to submitted/, as the
    Slurm script makes them) merged into a fourth: the same grades.csv."""
    from grader.export import collect, write_csv

    course = load_course(REPO)
    source = course.get("01-serial").source
    assert source is not None
    submitted = tmp_path / "submitted"
    for student, answers in BROKEN.items():
        folder = submitted / student / "01-serial"
        shutil.copytree(source, folder,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        for grade_id, body in answers.items():
            break_answer(folder / "01-serial.ipynb", grade_id, body)
    assert sorted({shard_of(s, 3) for s in BROKEN}) == [1, 2, 3], "every shard has work"

    whole = tmp_path / "whole"
    shutil.copytree(submitted, whole / "submitted")
    results = {r["student"]: r for r in grade(course, "01-serial", course_dir=whole, jobs=3)}
    scores = {s: r["score"] for s, r in results.items()}
    assert scores["ana"] == 18.0 and len(set(scores.values())) >= 4, scores

    shards = []
    for index in (1, 2, 3):
        shard = tmp_path / "shards" / str(index)
        shard.mkdir(parents=True)
        (shard / "submitted").symlink_to(submitted)
        part = grade(course, "01-serial", course_dir=shard, jobs=2, shard=(index, 3))
        assert {r["student"] for r in part} == {s for s in BROKEN if shard_of(s, 3) == index}
        shards.append(shard)

    merged = tmp_path / "merged"
    shutil.copytree(submitted, merged / "submitted")
    capsys.readouterr()
    assert main(["merge", *map(str, shards), "--course-dir", str(merged)]) == 0
    out = capsys.readouterr().out
    assert "Merged 6 result(s) of 01-serial" in out and "warning" not in out

    for name in ("whole", "merged"):
        write_csv(collect(course, tmp_path / name), tmp_path / f"{name}.csv")
    assert (tmp_path / "merged.csv").read_text() == (tmp_path / "whole.csv").read_text()
    for student in BROKEN:
        page = Path("feedback") / student / "01-serial"
        assert (merged / page / "index.html").is_file()
        assert (merged / page / "01-serial.html").is_file()
        assert read_json(merged / "autograded" / student / "01-serial" / "results.json")[
            "score"] == scores[student]

    # Merged into the whole run's directory, whose gradebook.db graded them all: a warning
    # (grader export would read the gradebook's grades first).
    report = merge(whole, shards)
    assert report.replaced == 6
    (warning,) = report.warnings
    assert "gradebook.db already holds a grade of ana's 01-serial" in warning
