"""Students' submissions from a folder or an LMS download into the course directory.

    collect(course, "flask-hub", Path("~/Downloads/submissions.zip"), course_dir=Path("."))

SOURCE is a folder, or one zip (a bulk download, unpacked first; when it holds a single
folder and nothing else, that folder is the SOURCE, unless it is a Moodle folder or has
the assignment's files at its top: a class of one). Each entry at its top is one
student's submission, or part of one, named in one of these ways:

=========  =====================================================  ===================
LMS        entry at the top of SOURCE                             student id
=========  =====================================================  ===================
none       ``ana.zip``, ``ana.tar.gz``, ``ana/``                   ``ana``
Canvas     ``doejane_12345_67890_flask-hub.zip``                  ``doejane``
Canvas     ``doejane_LATE_12345_67890_flask-hub.zip``             ``doejane`` (late)
Canvas     ``LATE_anon_x7Yq2_67890_flask-hub.zip`` (anonymous)    ``anon_x7Yq2``
Moodle     ``Jane Doe_12345_assignsubmission_file/`` (a folder)   ``jane-doe``
Moodle     ``Jane Doe_12345_assignsubmission_file_flask-hub.zip`` ``jane-doe``
=========  =====================================================  ===================

- Canvas ("Download Submissions") names each uploaded file
  ``<name>[_LATE]_<user id>_<file id>_<file name>``, where ``<name>`` is the student's
  sortable name, lowercased, without spaces or punctuation, and is left out under
  anonymous grading, where the user id is ``anon_<id>`` (Canvas's ``ContentZipper``).
  A student's files are put back together under their own names. Text and URL entries
  (``<name>_<user id>_text.html``, ``_link.html``) are skipped and listed.
- Moodle ("Download all submissions") makes one folder per student and plugin,
  ``<full name>_<participant id>_assignsubmission_file`` (older Moodles add a ``_`` at
  the end), holding the student's files; with "download submissions in folders" off, the
  files themselves are named ``<full name>_<participant id>_assignsubmission_file_<file>``.
  The full name becomes the id (lowercase ASCII, ``-`` for spaces); under blind marking it
  is "Participant", so the ids are ``participant-<id>``. Other plugins' entries
  (``assignsubmission_onlinetext``) are skipped and listed.
- Plain names keep their case. In every id, characters other than letters, digits and
  ``. _ - @ +`` become ``-``, accents are dropped, and it is at most 64 characters.
- When two LMS users make the same id, each gets its LMS number appended
  (``jane-doe-12345``); two plain entries for one id (``ana.zip`` and ``ana/``) are
  refused: keep one. Anything else (a stray ``.csv``) is skipped and listed.

What a student's entry may be: a zip, a tarball (``.tar``, ``.tar.gz``/``.tgz``,
``.tar.bz2``/``.tbz2``, ``.tar.xz``/``.txz``), a folder, or single files from an LMS.
A ``.rar`` or ``.7z`` is refused for that student, saying so.

Each student's submission is built in a private folder, then moved into
``submitted/<student>/<assignment>/``:

1. *Unpacked safely.* A name with ``..``, an absolute name or a drive letter refuses the
   archive. Symbolic links, hard links, devices and FIFOs are skipped and listed in the
   notes. ``__MACOSX/``, ``.DS_Store``, ``._*`` (macOS's AppleDouble files),
   ``Thumbs.db``, ``__pycache__/``, ``*.pyc``, ``.git/``, ``.venv/``, ``node_modules/``
   and the caches of `grader.trees.SKIP_DIRS` are dropped. The course's
   ``[grading.intake]`` limits (`grader.trees.IntakeLimits`: files, bytes, depth) hold for
   what is kept; a zip is checked against them on its declared sizes before anything is
   written, and every file's bytes are counted as they are written, so a zip bomb (many
   files, a huge declared size, or a header that lies) is refused for that student alone,
   with the reason. Ten times ``max_files`` entries in all, dropped ones included, also
   refuse it. Files get mode 0644 (0755 when executable), folders 0755.
2. *Unwrapped.* When the files the assignment needs (`grader.layout`: ``wsgi.py``,
   ``manage.py``, the notebooks) are nowhere in it, the archives at its top are unpacked
   (a lone one in place, as an LMS delivers a student's zip; several each into a folder
   named after it). Then the shallowest folder holding them becomes the submission
   (`grader.layout.find_root`; a Django project's ``config/wsgi.py`` is not a Flask
   project, and two equally deep candidates are left for a person); files outside it are
   left out and listed.
3. *Checked* with `grader.layout.layout_problems`: ``ok`` or ``needs attention: <why>``
   (written all the same, so that `grader grade` gives the student that status and the
   reason). A refused submission (``refused: <why>``) writes nothing; an earlier one of
   the same student stays.
4. *Timed*: ``timestamp.txt`` holds the submission time in nbgrader's format
   (``2026-12-01 14:03:00.000000 UTC``): from ``--times`` when given (a CSV with the
   columns ``student`` and ``submitted_at``, ISO 8601 times, a time without an offset
   being this machine's local time; a row matches the student id or the LMS's user or
   participant number), else the entry's modification time (an archive's or file's own, a
   folder's newest file). An LMS download's file times may be when the zip was made:
   `Collection.warnings` says so.
5. *Installed.* An existing submission with the same files (`grader.results.hash_tree`,
   which leaves out ``timestamp.txt``) is left alone, time included, unless ``--times``
   gives it a new time (then only ``timestamp.txt`` changes) or ``force``; a changed one
   replaces it ("replaced"). Students already in ``submitted/`` with nothing in SOURCE
   are kept as they are.

Every run writes ``collected/<assignment>.json`` in the course directory: a list, one
object per student ever collected (this run's replace earlier ones), sorted by id::

    [{"student": "doejane", "source": "doejane_12345_67890_flask-hub.zip",
      "root": "flask-hub-main", "files": 61, "submitted_at": "2026-12-01T14:03:00+00:00",
      "time_source": "times" | "file" | "earlier" | null,
      "status": "ok" | "needs attention: <why>" | "refused: <why>",
      "action": "new" | "replaced" | "unchanged" | "time updated" | "kept earlier" | "none",
      "notes": ["..."]}]

``root`` is the folder the submission was found in, relative to what the student handed
in ("." for its top, "" when refused).
"""

from __future__ import annotations

import csv
import json
import lzma
import os
import re
import stat
import struct
import tarfile
import tempfile
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from grader.course import Assignment, Course
from grader.errors import CollectError
from grader.layout import expected_files, find_root, is_archive, layout_problems
from grader.results import (
    TIMESTAMP_NAME,
    atomic_write_json,
    atomic_write_text,
    format_timestamp,
    hash_tree,
    parse_timestamp,
)
from grader.trees import SKIP_DIRS, IntakeLimits, remove_tree

__all__ = [
    "Collection",
    "Record",
    "collect",
    "collected_path",
    "read_times",
    "student_entry",
]

#: Tarballs Python's tarfile reads ("r:*"), and the zip.
READABLE = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
JUNK_DIRS = SKIP_DIRS | {"__MACOSX", ".venv", "node_modules"}
JUNK_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
BULK_SCALE = 200  # a bulk download may hold this many students at the intake limits
WORK_PREFIX = ".grader-collect-"  # a folder in the course directory: on its file system
_CHUNK = 1 << 20

_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)"
                     r"(?:_(?P<file>.*))?$")
_CANVAS = re.compile(r"^(?P<name>.+?)(?P<late>_LATE)?_(?P<id>\d+)_(?P<file_id>\d+)"
                     r"_(?P<file>.+)$")
_CANVAS_ANONYMOUS = re.compile(r"^(?P<late>LATE_)?(?P<id>anon_[A-Za-z0-9]+)_(?P<file_id>\d+)"
                               r"_(?P<file>.+)$")
_CANVAS_TEXT = re.compile(r"(?:^|_)(?:\d+|anon_[A-Za-z0-9]+)_(?:text|link)\.html$")


class Refused(Exception):
    """One student's submission cannot be taken in; the message says why."""


# -- names ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class StudentEntry:
    """One entry at the top of SOURCE, understood: whose it is and what it is called."""

    path: Path
    student: str
    lms: str  # "plain" | "canvas" | "moodle"
    lms_id: str | None = None
    name: str = ""  # the file's own name inside an LMS's prefix ("" for a folder)
    late: bool = False


def student_id(text: str, *, lower: bool) -> str:
    """A safe directory name for a student: ASCII letters, digits, ``. _ - @ +``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    plain = plain.lower() if lower else plain
    return re.sub(r"[^A-Za-z0-9._@+-]+", "-", plain).strip("-._")[:64]


def student_entry(path: Path) -> StudentEntry | str:
    """Whose entry path is (see the module's table), or why it is skipped."""
    name, is_dir = path.name, path.is_dir() and not path.is_symlink()
    if path.is_symlink():
        return "a symbolic link"
    moodle = _MOODLE.match(name)
    if moodle:
        if moodle["plugin"] != "file":
            return f"Moodle's {moodle['plugin']} entry, not files"
        if is_dir == bool(moodle["file"]):
            return "not a Moodle folder or file"
        student = student_id(moodle["name"], lower=True)
        if student in ("", "participant"):  # blind marking, or a name without letters
            student = f"participant-{moodle['id']}"
        return StudentEntry(path, student, "moodle", moodle["id"], moodle["file"] or "")
    canvas = None if is_dir else (_CANVAS_ANONYMOUS.match(name) or _CANVAS.match(name))
    if canvas:
        if canvas.re is _CANVAS_ANONYMOUS:
            student = canvas["id"]
        else:  # a name of no Latin letters leaves nothing: the Canvas user id then
            student = student_id(canvas["name"], lower=True) or f"user-{canvas['id']}"
        return StudentEntry(path, student, "canvas", canvas["id"], canvas["file"],
                            late=bool(canvas["late"]))
    if not is_dir and _CANVAS_TEXT.search(name):
        return "a Canvas text or URL entry, not a file"
    if is_dir:
        stem = name
    elif is_archive(name):
        stem = name[: -len(_suffix(name))]
    else:
        return "not a zip, a tarball or a folder"
    student = student_id(stem, lower=False)
    return StudentEntry(path, student, "plain") if student else "no student id in its name"


def _suffix(name: str) -> str:
    """The archive suffix of name (".tar.gz" rather than ".gz")."""
    lower = name.lower()
    return max((s for s in (*READABLE, ".rar", ".7z") if lower.endswith(s)), key=len,
               default="")


def group_entries(entries: list[StudentEntry]) -> tuple[dict[str, list[StudentEntry]],
                                                        dict[str, list[StudentEntry]]]:
    """Entries by student id; and the ids refused (two plain entries for one id)."""
    by_id: dict[str, list[StudentEntry]] = {}
    for entry in entries:
        by_id.setdefault(entry.student, []).append(entry)
    groups: dict[str, list[StudentEntry]] = {}
    refused: dict[str, list[StudentEntry]] = {}
    for student, members in by_id.items():
        keys = {(e.lms, e.lms_id) for e in members}
        if len(keys) == 1 and (members[0].lms != "plain" or len(members) == 1):
            groups[student] = members
        elif all(lms != "plain" for lms, _ in keys):
            for entry in members:
                groups.setdefault(f"{student}-{entry.lms_id}", []).append(entry)
        else:
            refused[student] = members
    return groups, refused


# -- archives and folders, read safely -----------------------------------------------------

@dataclass
class Member:
    """One entry of an archive or a folder, as the unpacker sees it."""

    name: str
    kind: str  # "dir" | "file" | "symlink" | "hardlink" | "special"
    size: int = 0
    executable: bool = False
    mtime: float | None = None
    open: Callable[[], IO[bytes]] | None = None


@dataclass
class Budget:
    """What one submission (or a bulk download) may still hold, counted as it is written."""

    limits: IntakeLimits
    files: int = 0
    bytes: int = 0
    entries: int = 0

    def see(self) -> None:
        """Count an entry, kept or dropped."""
        self.entries += 1
        if self.entries > 10 * self.limits.max_files:
            raise Refused(f"more than {10 * self.limits.max_files} entries, even leaving out "
                          "caches and node_modules")

    def add_file(self) -> None:
        """Count a file that is kept."""
        self.files += 1
        if self.files > self.limits.max_files:
            raise Refused(f"more than {self.limits.max_files} files (the course's "
                          "[grading.intake] max_files)")

    def add_bytes(self, count: int) -> None:
        """Count bytes as they are written."""
        self.bytes += count
        if self.bytes > self.limits.max_bytes:
            raise Refused(f"more than {_mb(self.limits.max_bytes)} unpacked (the course's "
                          "[grading.intake] max_bytes)")

    def check_depth(self, depth: int, name: str) -> None:
        """Refuse an entry nested deeper than the limit (folders above a file)."""
        if depth > self.limits.max_depth:
            raise Refused(f"nested more than {self.limits.max_depth} folders deep, at "
                          f"{name[:80]!r} (the course's [grading.intake] max_depth)")


@dataclass
class Unpacked:
    """What unpacking kept out, and the newest file time it saw."""

    left_out: list[str] = field(default_factory=list)  # "name (why)"
    dropped: int = 0
    newest: float | None = None


def _mb(count: int) -> str:
    """Bytes as megabytes, for a person."""
    return f"{count / 1e6:g} MB"


def safe_parts(name: str) -> list[str]:
    """An archive member's name as path parts; Refused when it would leave the archive."""
    clean = name.replace("\\", "/")
    if "\0" in clean or clean.startswith("/") or re.match(r"^[A-Za-z]:", clean):
        raise Refused(f"unsafe name {name[:80]!r} in it (an absolute path)")
    parts = [part for part in clean.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise Refused(f"unsafe name {name[:80]!r} in it (a path outside the archive)")
    return parts


def is_junk(parts: list[str], is_dir: bool) -> bool:
    """True for what is never part of a submission (see the module's docstring)."""
    folders = parts if is_dir else parts[:-1]
    if any(part in JUNK_DIRS for part in folders):
        return True
    last = parts[-1]
    return not is_dir and (last in JUNK_FILES or last.startswith("._")
                           or last.endswith((".pyc", ".pyo")))


def unpack(members: Iterator[Member], dest: Path, budget: Budget, out: Unpacked, *,
           depth: int = 0) -> None:
    """Write members under dest (which exists, ``depth`` folders down in the submission)
    within the budget; see the module."""
    for member in members:
        budget.see()
        parts = safe_parts(member.name)
        if not parts:
            continue
        is_dir = member.kind == "dir"
        if is_junk(parts, is_dir):
            out.dropped += 1
            continue
        budget.check_depth(depth + len(parts) - (0 if is_dir else 1), member.name)
        rel = "/".join(parts)
        if is_dir:
            _make_dirs(dest, parts, out, rel)
            continue
        if member.kind != "file" or member.open is None:
            out.left_out.append(f"{rel} ({_WHY[member.kind]})")
            continue
        if not _make_dirs(dest, parts[:-1], out, rel):
            continue
        budget.add_file()
        _write(member, dest.joinpath(*parts), budget, out, rel)


_WHY = {"symlink": "a symbolic link", "hardlink": "a hard link",
        "special": "not a regular file", "file": "unreadable"}


def _make_dirs(dest: Path, parts: list[str], out: Unpacked, rel: str) -> bool:
    """Make dest/parts, folder by folder; False (and noted) where a file is in the way."""
    path = dest
    for part in parts:
        path = path / part
        try:
            os.mkdir(path, 0o755)
        except FileExistsError:
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                out.left_out.append(f"{rel} (a file of the same name is in the way)")
                return False
    return True


def _write(member: Member, target: Path, budget: Budget, out: Unpacked, rel: str) -> None:
    """Copy one member's bytes to a new file, counting them against the budget."""
    assert member.open is not None
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        out.left_out.append(f"{rel} (a second entry of the same name)")
        return
    with os.fdopen(fd, "wb") as handle, member.open() as source:
        written = 0
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            budget.add_bytes(len(chunk))
            if written > member.size:
                raise Refused(f"{rel[:80]} holds more than the {member.size} bytes it "
                              "declares (a zip bomb?)")
            handle.write(chunk)
        os.fchmod(fd, 0o755 if member.executable else 0o644)
    if member.mtime is not None:
        os.utime(target, (member.mtime, member.mtime))
        out.newest = max(out.newest or member.mtime, member.mtime)


def unpack_archive(archive: Path, dest: Path, budget: Budget, out: Unpacked, *,
                   label: str = "", depth: int = 0) -> None:
    """Unpack a zip or a tarball into dest; Refused with the reason when it cannot be.

    label: the archive's name as the student gave it (default: its file name).
    """
    label = label or archive.name
    suffix = _suffix(label)
    if suffix not in READABLE:
        raise Refused(f"{label} is a {suffix or 'file'} the grader cannot unpack; it reads "
                      "zip and tar archives — ask for a .zip")
    try:
        if suffix == ".zip":
            declared = _declared_entries(archive)
            if declared > 10 * budget.limits.max_files:
                raise Refused(f"it declares {declared} entries, more than "
                              f"{10 * budget.limits.max_files} (a zip bomb?)")
            with zipfile.ZipFile(archive) as zipped:
                infos = zipped.infolist()
                _check_zip(infos, budget)
                unpack(_zip_members(zipped, infos), dest, budget, out, depth=depth)
        else:
            with tarfile.open(archive, "r:*") as tarred:
                unpack(_tar_members(tarred, budget), dest, budget, out, depth=depth)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, lzma.LZMAError,
            NotImplementedError, OSError) as exc:
        raise Refused(f"{label} could not be read ({type(exc).__name__}: "
                      f"{str(exc)[:120]})") from None


def _declared_entries(archive: Path) -> int:
    """The number of entries a zip's end record declares, read before zipfile loads them
    all (65535 for a zip64 archive: that many or more; 0 when there is no end record)."""
    with open(archive, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        handle.seek(max(0, handle.tell() - (1 << 16) - 22))
        tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return 0
    return int(struct.unpack("<H", tail[at + 10:at + 12])[0])


def _check_zip(infos: list[zipfile.ZipInfo], budget: Budget) -> None:
    """Refuse a zip on what it declares, before anything is written."""
    kept = [i for i in infos if not i.is_dir() and not _junk_name(i.filename)]
    if len(infos) > 10 * budget.limits.max_files:
        raise Refused(f"it holds {len(infos)} entries, more than "
                      f"{10 * budget.limits.max_files} (a zip bomb?)")
    if len(kept) + budget.files > budget.limits.max_files:
        raise Refused(f"it holds {len(kept)} files, more than the course's "
                      f"{budget.limits.max_files} ([grading.intake] max_files)")
    declared = sum(i.file_size for i in kept)
    if declared + budget.bytes > budget.limits.max_bytes:
        raise Refused(f"it declares {_mb(declared)} unpacked, more than the course's "
                      f"{_mb(budget.limits.max_bytes)} ([grading.intake] max_bytes; a zip "
                      "bomb, or a virtual environment inside?)")
    if any(i.flag_bits & 0x1 for i in kept):
        raise Refused("it is password-protected; ask for a zip without a password")


def _junk_name(name: str) -> bool:
    """True for a zip entry's name that unpack drops."""
    try:
        parts = safe_parts(name)
    except Refused:
        return False  # counted: unpack refuses it anyway
    return not parts or is_junk(parts, name.endswith("/"))


def _zip_members(zipped: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> Iterator[Member]:
    """A zip's entries as Members (a Unix file type, when there is one, says links)."""
    for info in infos:
        mode = info.external_attr >> 16
        kind = _ZIP_KINDS.get(stat.S_IFMT(mode), "special")
        if info.is_dir():
            kind = "dir"
        yield Member(info.filename, kind, info.file_size, bool(mode & 0o100), _zip_time(info),
                     lambda info=info: zipped.open(info))


# Zips made on Windows, and by Python's writestr, give no file type (0): a file.
_ZIP_KINDS = {0: "file", stat.S_IFREG: "file", stat.S_IFDIR: "dir", stat.S_IFLNK: "symlink"}


def _zip_time(info: zipfile.ZipInfo) -> float | None:
    """An entry's time: the extended timestamp (UTC) when present, else its local DOS time."""
    extra = info.extra
    while len(extra) >= 4:
        tag, size = struct.unpack("<HH", extra[:4])
        if tag == 0x5455 and size >= 5 and extra[4] & 1:
            return float(struct.unpack("<i", extra[5:9])[0])
        extra = extra[4 + size:]
    try:
        return time.mktime((*info.date_time, 0, 0, -1))
    except (OverflowError, ValueError):
        return None


def _tar_members(tarred: tarfile.TarFile, budget: Budget) -> Iterator[Member]:
    """A tarball's entries as Members; a member too large is refused on its header."""
    for info in tarred:
        if info.isdir():
            yield Member(info.name, "dir")
            continue
        kind = ("file" if info.isreg() else "symlink" if info.issym()
                else "hardlink" if info.islnk() else "special")
        if kind == "file" and budget.bytes + info.size > budget.limits.max_bytes:
            raise Refused(f"{info.name[:80]} alone makes it more than "
                          f"{_mb(budget.limits.max_bytes)} (the course's [grading.intake] "
                          "max_bytes)")
        yield Member(info.name, kind, info.size, bool(info.mode & 0o100), float(info.mtime),
                     _tar_opener(tarred, info) if kind == "file" else None)


def _tar_opener(tarred: tarfile.TarFile, info: tarfile.TarInfo) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        handle = tarred.extractfile(info)
        if handle is None:
            raise Refused(f"{info.name[:80]} could not be read from the tarball")
        return handle
    return opener


def folder_members(root: Path, budget: Budget) -> Iterator[Member]:
    """A folder's entries as Members: no link followed, junk folders not entered."""
    stack = [""]
    while stack:
        rel = stack.pop()
        with os.scandir(root / rel if rel else root) as listing:
            entries = sorted(islice(listing, 10 * budget.limits.max_files + 1),
                             key=lambda e: e.name)
        for entry in entries:
            path = f"{rel}/{entry.name}" if rel else entry.name
            info = entry.stat(follow_symlinks=False)
            mode = info.st_mode
            if stat.S_ISDIR(mode):
                yield Member(path + "/", "dir")
                if entry.name not in JUNK_DIRS:
                    stack.append(path)
            elif stat.S_ISLNK(mode):
                yield Member(path, "symlink")
            elif stat.S_ISREG(mode):
                kind = "hardlink" if info.st_nlink > 1 else "file"
                yield Member(path, kind, info.st_size, bool(mode & 0o100), info.st_mtime,
                             _file_opener(root / path, info))
            else:
                yield Member(path, "special")


def _file_opener(path: Path, scanned: os.stat_result) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_ino != scanned.st_ino:
            os.close(fd)
            raise Refused(f"{path.name} changed while it was being copied")
        return os.fdopen(fd, "rb")
    return opener


# -- times ---------------------------------------------------------------------------------

def read_times(path: Path) -> dict[str, datetime]:
    """The --times CSV: student (or LMS number) -> submission time, aware."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = [c.strip().lower() for c in reader.fieldnames or []]
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CollectError(f"Cannot read the --times file {path}: {exc}.") from None
    if "student" not in columns or "submitted_at" not in columns:
        raise CollectError(f"{path} needs the columns student and submitted_at (found: "
                           f"{', '.join(columns) or 'none'}); for example\n"
                           "student,submitted_at\nana,2026-12-01T14:03:00Z")
    times: dict[str, datetime] = {}
    for line, row in enumerate(rows, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if not row.get("student"):
            continue
        try:
            when = datetime.fromisoformat(row["submitted_at"])
        except ValueError:
            raise CollectError(f"{path}, line {line}: {row['submitted_at']!r} is not an ISO "
                               "time such as 2026-12-01T14:03:00Z.") from None
        times[row["student"]] = when if when.tzinfo else when.astimezone()
    return times


# -- collecting ----------------------------------------------------------------------------

@dataclass
class Record:
    """What happened to one student's submission (a row of collected/<assignment>.json)."""

    student: str
    source: str
    root: str = ""
    files: int = 0
    submitted_at: str | None = None
    time_source: str | None = None
    status: str = "ok"
    action: str = "none"
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Collection:
    """One run of `collect`: a record per student, and what it did not take."""

    assignment: str
    records: list[Record]
    skipped: list[tuple[str, str]]  # (name in SOURCE, why)
    kept: list[str]  # students with a submission already and nothing in SOURCE
    unused_times: list[str]  # --times rows that matched nobody
    warnings: list[str]
    path: Path  # collected/<assignment>.json


def collected_path(course_dir: Path, assignment: str) -> Path:
    """collected/<assignment>.json under the course directory."""
    return Path(course_dir) / "collected" / f"{assignment}.json"


def collect(course: Course, assignment: str, source: Path, *, course_dir: Path,
            times: Path | None = None, force: bool = False,
            console: Console | None = None) -> Collection:
    """Take every student's submission in source into course_dir/submitted/ (see module).

    Raises CollectError when source cannot be read or holds no submission, or the --times
    CSV is wrong; a student's unreadable submission is a refused record, not an error.
    """
    target = course.get(assignment)
    course_dir = Path(course_dir).resolve()
    source = Path(source).expanduser()
    if not source.exists():
        raise CollectError(f"{source} does not exist; give the folder (or the zip) that "
                           "holds the students' submissions.")
    known = read_times(times) if times is not None else None
    course_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=course_dir))
    try:
        folder = source_folder(target, source, work / "source", course.intake)
        entries, skipped = read_source(folder)
        groups, refused = group_entries(entries)
        if not groups and not refused:
            raise CollectError(_nothing_in(source, skipped))
        run = _Run(course, target, course_dir, work, known, force)
        records = [run.refuse(student, members, "two entries in SOURCE make this id — keep "
                              "one of them") for student, members in refused.items()]
        with _progress(console, f"collecting {assignment}", len(groups)) as advance:
            for index, (student, members) in enumerate(sorted(groups.items())):
                records.append(run.one(student, members, index))
                advance()
    finally:
        remove_tree(work)
    records.sort(key=lambda r: r.student)
    seen = {r.student for r in records}
    kept = sorted(p.parent.name for p in (course_dir / "submitted").glob(f"*/{assignment}")
                  if p.parent.name not in seen)
    matched = seen | {e.lms_id for e in entries if e.lms_id}
    path = _write_records(course_dir, assignment, records)
    return Collection(assignment, records, skipped, kept, sorted(set(known or ()) - matched),
                      _warnings(entries, known), path)


def source_folder(assignment: Assignment, source: Path, dest: Path,
                  limits: IntakeLimits) -> Path:
    """The folder to read: source itself, or the bulk zip unpacked into dest (or the one
    folder it holds, when that folder is not a student's)."""
    if source.is_dir():
        folder = source
    elif zipfile.is_zipfile(source):
        bulk = IntakeLimits(max_depth=limits.max_depth + 2,
                            max_files=limits.max_files * BULK_SCALE,
                            max_bytes=limits.max_bytes * BULK_SCALE)
        dest.mkdir()
        try:
            unpack_archive(source, dest, Budget(bulk), Unpacked())
        except Refused as exc:
            raise CollectError(f"Cannot unpack {source.name}: {exc}. Unpack it yourself and "
                               "give the folder: the limits then hold for each student."
                               ) from None
        inside = list(dest.iterdir())
        only = inside[0] if len(inside) == 1 and inside[0].is_dir() else None
        folder = only if only is not None and find_root(assignment, only) != "" \
            and not _is_lms(only) else dest
    else:
        raise CollectError(f"{source} is neither a folder nor a zip; give the folder of "
                           "submissions or the LMS's bulk-download zip.")
    if find_root(assignment, folder) == "":
        found = ", ".join(expected_files(assignment))
        raise CollectError(f"{source} looks like one student's submission ({found} at its "
                           "top), not a folder of submissions: put it in a folder, named "
                           "after the student (submissions/ana/ or submissions/ana.zip), "
                           "and collect that folder.")
    return folder


def _is_lms(path: Path) -> bool:
    """True for an entry named by Canvas or Moodle."""
    entry = student_entry(path)
    return isinstance(entry, StudentEntry) and entry.lms != "plain"


def read_source(folder: Path) -> tuple[list[StudentEntry], list[tuple[str, str]]]:
    """Understand each entry at the top of the SOURCE folder; the others, with why."""
    entries, skipped = [], []
    for path in sorted(folder.iterdir()):
        if path.name in JUNK_FILES or path.name in JUNK_DIRS or path.name.startswith("."):
            continue
        understood = student_entry(path)
        if isinstance(understood, str):
            skipped.append((path.name, understood))
        else:
            entries.append(understood)
    return entries, skipped


def _nothing_in(source: Path, skipped: list[tuple[str, str]]) -> str:
    """Why collect found no submission, and what it expects."""
    seen = "; ".join(f"{name}: {why}" for name, why in skipped[:5])
    return (f"No submission found in {source}"
            + (f" (skipped {seen})" if seen else " (it is empty)")
            + ". Expected one zip, tarball or folder per student (ana.zip, ana/), or an LMS "
            "download (Canvas: doejane_12345_67890_hub.zip; Moodle: "
            "'Jane Doe_12345_assignsubmission_file/').")


def _warnings(entries: list[StudentEntry], known: dict[str, datetime] | None) -> list[str]:
    """Warnings for the whole run."""
    lms = sorted({e.lms.capitalize() for e in entries if e.lms != "plain"})
    if known is None and lms:
        return [f"The times come from the files of a {' and '.join(lms)} download, which may "
                "be when the download was made rather than when each student handed in; "
                "give --times CSV (student,submitted_at) before applying a late policy."]
    return []


class _Run:
    """One collect run's settings, and the work on one student's submission."""

    def __init__(self, course: Course, assignment: Assignment, course_dir: Path, work: Path,
                 known: dict[str, datetime] | None, force: bool) -> None:
        self.course, self.assignment, self.course_dir = course, assignment, course_dir
        self.work, self.known, self.force = work, known, force

    def one(self, student: str, entries: list[StudentEntry], index: int) -> Record:
        """Build, check and install one student's submission; a refusal is a record."""
        record = Record(student=student, source=", ".join(e.path.name for e in entries))
        if any(e.late for e in entries):
            record.notes.append("Canvas marked it late.")
        stage = self.work / "students" / str(index)
        raw = stage / "raw"
        raw.mkdir(parents=True)
        try:
            newest = self._gather(entries, raw, record)
        except (Refused, OSError) as exc:
            return self.refuse(student, entries, str(exc), record)
        root = raw / record.root if record.root != "." else raw
        record.files = sum(1 for _ in _files(root))
        problems = layout_problems(self.assignment, root)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            record.status = f"needs attention: {problems[0]}{more}"
        when, record.time_source = self._time(student, entries, newest, record)
        self._install(root, stage, when, record)
        return record

    def refuse(self, student: str, entries: list[StudentEntry], why: str,
               record: Record | None = None) -> Record:
        """The record of a refused submission; an earlier one stays in submitted/."""
        record = record or Record(student=student,
                                  source=", ".join(e.path.name for e in entries))
        record.status, record.root, record.files = f"refused: {why}", "", 0
        if os.path.lexists(self.course_dir / "submitted" / student / self.assignment.name):
            record.notes.append("The submission already in submitted/ is kept.")
            record.action = "kept earlier"
        return record

    def _gather(self, entries: list[StudentEntry], raw: Path, record: Record) -> float | None:
        """Put the student's entries in raw, unpack, find the root; return the newest time."""
        budget = Budget(self.course.intake)
        out = Unpacked()
        newest: float | None = None
        for entry in entries:
            if entry.path.is_dir():
                folder = Unpacked()
                unpack(folder_members(entry.path, budget), raw, budget, folder)
                out.left_out += folder.left_out
                out.dropped += folder.dropped
                when = folder.newest or entry.path.stat().st_mtime
            else:
                info = entry.path.stat()
                member = Member(entry.name or entry.path.name, "file", info.st_size, False,
                                info.st_mtime, _file_opener(entry.path, info))
                unpack(iter([member]), raw, budget, out)
                when = info.st_mtime
            newest = when if newest is None else max(newest, when)
        if find_root(self.assignment, raw) is None:
            self._unpack_inner(raw, budget, out, record)
        rel = find_root(self.assignment, raw)
        record.root = rel or "."
        if rel:
            outside = [f for f in _files(raw) if not f.startswith(rel + "/")]
            if outside:
                record.notes.append(f"Left out {len(outside)} file(s) outside {rel}/: "
                                    + _few(outside) + ".")
        if out.left_out:
            record.notes.append("Skipped: " + _few(out.left_out) + ".")
        if out.dropped:
            record.notes.append(f"Dropped {out.dropped} cache or system entries (__MACOSX, "
                                ".DS_Store, __pycache__, .git, .venv, node_modules...).")
        return newest

    def _unpack_inner(self, raw: Path, budget: Budget, out: Unpacked, record: Record) -> None:
        """Unpack the archives at the top of raw: a lone one in place, others in folders."""
        top = sorted(raw.iterdir())
        for archive in [p for p in top if p.is_file() and is_archive(p.name)]:
            name, size = archive.name, archive.stat().st_size
            budget.files -= 1
            budget.bytes -= size
            if len(top) == 1:
                dest = raw
                archive = archive.rename(self.work / f"lone{_suffix(name)}")
            else:
                dest = raw / name[: -len(_suffix(name))]
                dest = dest if not dest.exists() else dest.with_name(dest.name + "-unpacked")
                dest.mkdir()
            unpack_archive(archive, dest, budget, out, label=name, depth=int(dest != raw))
            archive.unlink()
            if dest != raw:
                record.notes.append(f"Unpacked {name} into {dest.name}/.")

    def _time(self, student: str, entries: list[StudentEntry], newest: float | None,
              record: Record) -> tuple[datetime | None, str | None]:
        """The submission time and where it came from ("times" or "file")."""
        if self.known is not None:
            for key in (student, *(e.lms_id for e in entries if e.lms_id)):
                if key in self.known:
                    return self.known[key], "times"
            record.notes.append("Not in the --times file: the file time is used.")
        if newest is None:
            return None, None
        return datetime.fromtimestamp(newest, UTC), "file"

    def _install(self, root: Path, stage: Path, when: datetime | None, record: Record) -> None:
        """Move root into submitted/<student>/<assignment>/ unless the same files are there."""
        target = self.course_dir / "submitted" / record.student / self.assignment.name
        stamp = format_timestamp(when) if when else None
        if os.path.lexists(target) and not self.force and _same(root, target):
            earlier = target / TIMESTAMP_NAME
            text = earlier.read_text(encoding="utf-8").strip() if earlier.is_file() else None
            if record.time_source == "times" and stamp and text != stamp:
                atomic_write_text(earlier, stamp + "\n")
                record.action = "time updated"
            else:
                record.action = "unchanged"
                try:
                    when = parse_timestamp(text) if text else None
                except ValueError:
                    when = None
                record.time_source = "earlier" if when else None
            record.submitted_at = when.isoformat() if when else None
            return
        if stamp:
            atomic_write_text(root / TIMESTAMP_NAME, stamp + "\n")
        os.chmod(root, 0o755)
        record.submitted_at = when.isoformat() if when else None
        target.parent.mkdir(parents=True, exist_ok=True)
        record.action = "new"
        if os.path.lexists(target):
            os.replace(target, stage / "old")
            record.action = "replaced"
        os.replace(root, target)


def _same(new: Path, old: Path) -> bool:
    """True when both trees hold the same files (timestamp.txt aside)."""
    try:
        return hash_tree(new) == hash_tree(old)
    except (OSError, RecursionError):
        return False


def _files(root: Path) -> Iterator[str]:
    """The relative paths of the regular files under root (timestamp.txt at the top aside)."""
    stack = [""]
    while stack:
        rel = stack.pop()
        with os.scandir(root / rel if rel else root) as listing:
            for entry in listing:
                path = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                elif entry.is_file(follow_symlinks=False) and path != TIMESTAMP_NAME:
                    yield path


def _few(names: list[str], shown: int = 5) -> str:
    """'a, b, c and 4 more'."""
    more = len(names) - shown
    return ", ".join(sorted(names)[:shown]) + (f" and {more} more" if more > 0 else "")


def _write_records(course_dir: Path, assignment: str, records: list[Record]) -> Path:
    """Merge this run's records into collected/<assignment>.json; return its path."""
    path = collected_path(course_dir, assignment)
    try:
        earlier = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        earlier = []
    merged = {r["student"]: r for r in earlier if isinstance(r, dict) and "student" in r} \
        if isinstance(earlier, list) else {}
    merged.update({r.student: r.as_dict() for r in records})
    atomic_write_json(path, [merged[s] for s in sorted(merged)])
    return path


@contextmanager
def _progress(console: Console | None, description: str,
              total: int) -> Iterator[Callable[[], None]]:
    """Yield a function that advances a progress bar on console (none without one)."""
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True, disable=console is None) as progress:
        task = progress.add_task(description, total=total)
        yield lambda: progress.advance(task)
