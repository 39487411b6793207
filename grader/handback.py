"""Handing feedback back: a bundle per student, and nbgrader's exchange.

`grader feedback ASSIGNMENT` writes each student's page again
(feedback/<student>/<assignment>/index.html, with the current adjustments and late
penalty) and a bundle for an LMS::

    feedback-bundles/<assignment>/<student>.zip
        index.html          the feedback page, the same as in feedback/
        <notebook>.html     nbgrader's page of each notebook (notebook assignments only),
                            which index.html links to
        results.json        what the student may keep as data (`student_summary`):
                            {"student", "assignment", "kind", "status",
                             "grade": {"final", "max_score", "autograded",
                                       "adjustments": [{"points", "reason", "at"}],
                                       "late": {"submitted_at", "deadline", "days_late",
                                                "points"} | null},
                             "feedback": [...], "tests": [{"name", "visibility", "stage",
                             "stage_title", "points", "earned", "passed", "outcome", "hint",
                             "message"}], "graded_at", "submission_sha256",
                             "suite_version", "grader_version"}
                            a hidden test's "message" is always null; "final" and
                            "autograded" are null when the status is "needs attention" or
                            "error" (no grade, not a 0). No server log (it is on the page),
                            no name of who adjusted, no timings.

`--release` puts the pages into nbgrader's exchange the way ``nbgrader release_feedback``
does (`nbgrader.exchange.default.ExchangeReleaseFeedback`, used as is): every ``*.html`` of
feedback/<student>/<assignment>/ goes to ``<exchange>/<course id>/feedback/<hash>.html``,
where the hash is md5(the submission's secret + the page's name without ``.html``); only
the student who submitted (whose nbgrader cache holds the secret) can find it. That needs
the ``timestamp.txt`` and ``submission_secret.txt`` that ``nbgrader submit`` wrote into the
submission: they are copied from submitted/ beside the page. A student who handed in some
other way (an LMS download, ``grader collect``) has no secret: skipped, with a note to
hand them their bundle.

Fetching: ``nbgrader fetch_feedback ASSIGNMENT`` fetches the page of each notebook the
student submitted (``demo.html``), never index.html (it has no notebook). A project has no
notebook at all, so the student runs ``grader feedback ASSIGNMENT --fetch`` instead
(`FetchFeedback`: nbgrader's fetch, plus index.html): every page lands where nbgrader puts
feedback, ``./<assignment>/feedback/<timestamp>/``.

Which exchange: ``--exchange DIR``, else ``c.Exchange.root`` from nbgrader's configuration
files (the course's nbgrader_config.py, the user's and the system's Jupyter config
directories), else nbgrader's default directory when it exists. None of these: no exchange,
and `--release` says so (the bundles are the way back then).
"""

from __future__ import annotations

import glob
import io
import json
import logging
import os
import shutil
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_core.paths import jupyter_config_path
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeError
from nbgrader.exchange.default import Exchange, ExchangeFetchFeedback, ExchangeReleaseFeedback
from nbgrader.utils import notebook_hash
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from grader.adjust import final_grade
from grader.course import Course
from grader.errors import FeedbackError
from grader.feedback import feedback_path, student_summary, write_feedback
from grader.nbconfig import CONFIG_FILE, nbgrader_config
from grader.results import TIMESTAMP_NAME, atomic_write_bytes, read_result, results_path

__all__ = [
    "BUNDLES_DIR",
    "FetchFeedback",
    "Handback",
    "Released",
    "bundle_path",
    "configured_course_id",
    "exchange_root",
    "fetch_feedback",
    "find_results",
    "hand_back",
    "release_feedback",
]

BUNDLES_DIR = "feedback-bundles"
SECRET_NAME = "submission_secret.txt"
PAGE_ID = "index"
"""The grader's page in the exchange: named as a notebook called "index" would be."""


@dataclass(frozen=True)
class Handback:
    """One student's page and bundle, written again."""

    student: str
    result: dict[str, Any]
    grade: Any  # grader.adjust.Grade
    page: Path
    bundle: Path


@dataclass
class Released:
    """What `release_feedback` did: pages released per student, students skipped and why."""

    exchange: Path
    pages: dict[str, list[str]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def bundle_path(course_dir: Path, student: str, assignment: str) -> Path:
    """feedback-bundles/<assignment>/<student>.zip under the course directory."""
    return Path(course_dir) / BUNDLES_DIR / assignment / f"{student}.zip"


def find_results(course_dir: Path, assignment: str,
                 students: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """student -> results.json of `assignment`, sorted by student; every one asked for.

    Raises FeedbackError when nobody has a result, or a student asked for has none.
    """
    root = Path(course_dir) / "autograded"
    found = {}
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        result = read_result(results_path(course_dir, folder.name, assignment))
        if result is not None:
            found[folder.name] = result
    if not found:
        raise FeedbackError(
            f"No graded submission of {assignment} in {root}/*/{assignment}/results.json; "
            f"grade them first: grader grade {assignment} --course-dir {course_dir}")
    if not students:
        return found
    missing = [s for s in students if s not in found]
    if missing:
        have = ", ".join(list(found)[:10]) + (f" and {len(found) - 10} more"
                                               if len(found) > 10 else "")
        raise FeedbackError(
            f"No graded {assignment} for {', '.join(missing)} (no "
            f"{results_path(course_dir, missing[0], assignment)}). Students with a result: "
            f"{have}.")
    return {s: found[s] for s in students}


def hand_back(course: Course, course_dir: Path, result: dict[str, Any]) -> Handback:
    """Write one student's page again, with the current grade, and its bundle."""
    grade = final_grade(course, course_dir, result)
    page = write_feedback(course_dir, result, course=course)
    bundle = bundle_path(course_dir, result["student"], result["assignment"])
    files = {"index.html": page.read_bytes()}
    for name in _linked_pages(page):
        files[name] = (page.parent / name).read_bytes()
    summary = student_summary(result, grade)
    files["results.json"] = (json.dumps(summary, indent=2, ensure_ascii=False) + "\n").encode()
    _atomic_zip(bundle, files)
    return Handback(student=result["student"], result=result, grade=grade, page=page,
                    bundle=bundle)


def _linked_pages(page: Path) -> list[str]:
    """The notebooks' pages beside index.html (the ones it links to)."""
    return sorted(p.name for p in page.parent.glob("*.html")
                  if p.name != page.name and p.is_file() and not p.is_symlink())


def _atomic_zip(path: Path, files: dict[str, bytes]) -> None:
    """Write a zip of `files` (name -> content) to path atomically."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    atomic_write_bytes(path, buffer.getvalue())


# --------------------------------------------------------------------------------------------
# nbgrader's exchange
# --------------------------------------------------------------------------------------------


def exchange_root(course: Course, explicit: Path | None = None) -> Path | None:
    """The exchange directory to release into, or None when none is configured.

    `explicit` (--exchange) must exist; a configured one that does not exist is an error
    too (nbgrader wants it made beforehand, writable by everyone).
    """
    if explicit is not None:
        where = "--exchange"
        root = Path(explicit)
    else:
        configured = _configured_root(course)
        if configured is None:
            default = Path(Exchange.root.default_value)
            return default if default.is_dir() else None
        where, root = configured
    if not root.is_dir():
        raise FeedbackError(
            f"The nbgrader exchange {root} (from {where}) does not exist. Make it (as on the "
            f"JupyterHub: mkdir -p {root} && chmod 777 {root}) or point to the right one.")
    return root.resolve()


def configured_course_id() -> str | None:
    """c.CourseDirectory.course_id from nbgrader's system and user configuration files (the
    later winning), or None: a student's server knows its course this way."""
    found = None
    for place in (Path(p) for p in reversed(jupyter_config_path())):
        if (place / CONFIG_FILE).is_file():
            config = PyFileConfigLoader(CONFIG_FILE, path=str(place)).load_config()
            found = config.get("CourseDirectory", {}).get("course_id") or found
    return found


def _configured_root(course: Course) -> tuple[str, Path] | None:
    """c.Exchange.root from nbgrader's configuration files, and which file set it.

    The files nbgrader itself reads, the later winning: the system's and the user's
    Jupyter config directories, then the course's nbgrader_config.py.
    """
    places = [Path(p) for p in reversed(jupyter_config_path())] + [course.root]
    found = None
    for place in places:
        if not (place / CONFIG_FILE).is_file():
            continue
        config = PyFileConfigLoader(CONFIG_FILE, path=str(place)).load_config()
        root = config.get("Exchange", {}).get("root")
        if root:
            found = (str(place / CONFIG_FILE), Path(root).expanduser())
    return found


def release_feedback(course: Course, course_dir: Path, assignment: str, students: list[str],
                     exchange: Path) -> Released:
    """Release the students' pages into the exchange with nbgrader's ExchangeReleaseFeedback.

    A student without a submission secret (not handed in through the exchange) is
    skipped; the reason is in `Released.skipped`.
    """
    course_dir = Path(course_dir).resolve()
    released = Released(exchange=exchange)
    config = _exchange_config(course, course_dir, exchange)
    for student in students:
        folder = feedback_path(course_dir, student, assignment).parent
        missing = _bring_receipts(course_dir, student, assignment, folder)
        if missing:
            released.skipped[student] = (
                f"no {missing} in {course_dir / 'submitted' / student / assignment}: not "
                "handed in through the exchange; give them their bundle")
            continue
        config.CourseDirectory.student_id = student
        config.CourseDirectory.assignment_id = assignment
        with _nbgrader_log() as log:
            coursedir = CourseDirectory(config=config, log=log)
            exchange_app = ExchangeReleaseFeedback(coursedir=coursedir, authenticator=None,
                                                   config=config, log=log)
            try:
                with warnings.catch_warnings():
                    # nbgrader 0.9 reads timestamp.txt with open(...).read(), never closed
                    warnings.simplefilter("ignore", ResourceWarning)
                    exchange_app.start()
            except ExchangeError as exc:
                raise FeedbackError(f"nbgrader could not release {student}'s feedback into "
                                    f"{exchange}: {exc}") from None
        released.pages[student] = sorted(p.name for p in folder.glob("*.html"))
    return released


def _exchange_config(course: Course, course_dir: Path, exchange: Path) -> Config:
    """nbgrader's Config for the course directory and this exchange."""
    config = nbgrader_config(course, course_dir=course_dir)
    config.CourseDirectory.root = str(course_dir)
    config.CourseDirectory.feedback_directory = "feedback"
    config.CourseDirectory.submitted_directory = "submitted"
    config.Exchange.root = str(exchange)
    return config


def _bring_receipts(course_dir: Path, student: str, assignment: str, folder: Path) -> str:
    """Copy timestamp.txt and submission_secret.txt from the submission beside the page,
    as nbgrader's generate_feedback does; return the name of one that is missing, or ""."""
    submitted = course_dir / "submitted" / student / assignment
    for name in (SECRET_NAME, TIMESTAMP_NAME):
        source, target = submitted / name, folder / name
        if source.is_file() and not source.is_symlink():
            shutil.copyfile(source, target)
        elif not target.is_file():
            return name
    return ""


@contextmanager
def _nbgrader_log() -> Iterator[logging.Logger]:
    """A logger for one nbgrader exchange step, kept off the terminal (``grader -v``
    shows it)."""
    log = logging.getLogger("grader.nbgrader.exchange")
    log.setLevel(logging.INFO)
    log.propagate = logging.getLogger().isEnabledFor(logging.DEBUG)
    buffer = logging.StreamHandler(io.StringIO())
    log.addHandler(buffer)
    try:
        yield log
    finally:
        log.removeHandler(buffer)


class FetchFeedback(ExchangeFetchFeedback):
    """nbgrader's fetch_feedback that also fetches the grader's page, index.html.

    nbgrader looks for the page of each notebook of the student's cached submission; the
    grader's page has no notebook (a project has none at all), so it is looked for under
    the name a notebook called "index" would have.
    """

    def init_src(self) -> None:
        """Find the notebooks' pages (nbgrader), then the grader's page of each submission."""
        super().init_src()
        assignment = self.coursedir.assignment_id or "*"
        for folder in sorted(glob.glob(os.path.join(self.cache_path, f"*+{assignment}+*"))):
            secret_path = os.path.join(folder, SECRET_NAME)
            if not os.path.isfile(secret_path):
                continue
            with open(secret_path, encoding="utf-8") as handle:
                secret = handle.read()
            timestamp = os.path.basename(folder).split("+")[2]
            page = os.path.join(self.outbound_path,
                                f"{notebook_hash(secret=secret, notebook_id=PAGE_ID)}.html")
            if os.path.exists(page):
                self.feedback_files.append((PAGE_ID, timestamp, page))


def fetch_feedback(course: Course, assignment: str, exchange: Path, *, into: Path,
                   student: str | None = None, cache: Path | None = None) -> list[Path]:
    """A student's side: fetch every released page of `assignment` into
    ``<into>/<assignment>/feedback/<timestamp>/``; return the pages fetched.

    student: the id submitted under (default: the login name, as nbgrader); cache: the
    nbgrader cache holding the submissions' secrets (default: nbgrader's).
    """
    config = _exchange_config(course, Path(into).resolve(), exchange)
    config.CourseDirectory.assignment_id = assignment
    if student:
        config.CourseDirectory.student_id = student
    config.Exchange.assignment_dir = str(Path(into).resolve())
    if cache is not None:
        config.Exchange.cache = str(cache)
    with _nbgrader_log() as log:
        coursedir = CourseDirectory(config=config, log=log)
        fetch = FetchFeedback(coursedir=coursedir, authenticator=None, config=config, log=log)
        try:
            fetch.start()
        except ExchangeError as exc:
            raise FeedbackError(f"No feedback to fetch for {assignment}: {exc}") from None
    dest = Path(fetch.dest_path)
    return sorted(dest / timestamp / f"{notebook}.html"
                  for notebook, timestamp, _ in fetch.feedback_files)
