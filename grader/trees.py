"""Directory trees handled safely: walked without recursion, copied without special bits,
removed without following a link.

A submission is data from a student. It may be 1,100 directories deep, hold a million
files or a 10 GB one, a setuid-root program (an instructor who unpacks a tarball as root
keeps the bit), a FIFO, a device node or a hard link to a file outside it. Python 3.11's
``os.walk``, ``shutil.copytree`` and ``shutil.rmtree`` recurse once per level (a deep tree
raises ``RecursionError``) and ``copytree`` keeps modes (the setuid bit survives the copy).
Everything here is a loop over an explicit stack, looks at each entry with ``lstat`` and
never follows a symbolic link:

- `walk` yields every entry of a tree, parents before children;
- `scan_submission` checks a submission against the course's intake limits (depth, files,
  bytes) and lists what will not be copied (special files, hard links out);
- `copy_tree` copies a tree: regular files, directories and symbolic links only, owned by
  the job's uid *before* any mode is set, modes reduced to 0644/0755;
- `remove_tree` deletes a tree of any depth, holding two file descriptors at most.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import GraderError

__all__ = [
    "SKIP_DIRS",
    "IntakeError",
    "IntakeLimits",
    "Scan",
    "copy_tree",
    "remove_tree",
    "scan_submission",
    "walk",
]

#: Caches and version control: never graded, never copied, never hashed.
SKIP_DIRS = frozenset({"__pycache__", ".git", ".pytest_cache", ".ipynb_checkpoints",
                       ".mypy_cache"})
SKIP_SUFFIXES = (".pyc", ".pyo")
_CHUNK = 1 << 20


class IntakeError(GraderError, ValueError):
    """A submission the grader refuses to copy: too deep, too many files or too large."""


@dataclass(frozen=True)
class IntakeLimits:
    """What one submission may hold (course.toml, ``[grading.intake]``).

    :param max_depth: directories nested inside the submission (``a/b/c/file`` is 3).
    :param max_files: files and symbolic links, caches (``__pycache__``, ``.git``) aside.
    :param max_bytes: the total size of its files.
    """

    max_depth: int = 32
    max_files: int = 2000
    max_bytes: int = 50_000_000


@dataclass
class Scan:
    """What `scan_submission` found: the counts, and what will be left out of the copy."""

    files: int = 0
    bytes: int = 0
    depth: int = 0
    left_out: dict[str, str] = field(default_factory=dict)  # relative path -> why


def skipped(name: str, is_dir: bool) -> bool:
    """True for a cache directory or a compiled file (never part of a submission)."""
    return name in SKIP_DIRS if is_dir else name.endswith(SKIP_SUFFIXES)


def walk(root: Path, *, skip_caches: bool = True,
         max_depth: int | None = None) -> Iterator[tuple[str, os.stat_result, int]]:
    """Yield ``(relative posix path, lstat, depth)`` for each entry under root.

    No recursion and no link followed: a symbolic link to a directory is yielded, not
    entered. Entries of a directory come sorted by name, before those of its
    subdirectories. Past ``max_depth`` a directory is yielded but not entered.
    """
    root = Path(root)
    stack: list[tuple[str, int]] = [("", 0)]
    while stack:
        rel, depth = stack.pop()
        with os.scandir(root / rel if rel else root) as entries:
            found = sorted(entries, key=lambda e: e.name)
        subdirs = []
        for entry in found:
            info = entry.stat(follow_symlinks=False)
            is_dir = stat.S_ISDIR(info.st_mode)
            if skip_caches and skipped(entry.name, is_dir):
                continue
            path = f"{rel}/{entry.name}" if rel else entry.name
            yield path, info, depth + 1 if is_dir else depth
            if is_dir and (max_depth is None or depth < max_depth):
                subdirs.append((path, depth + 1))
        stack.extend(reversed(subdirs))


def scan_submission(root: Path, limits: IntakeLimits) -> Scan:
    """Check a submission against the limits before anything is copied.

    Raises IntakeError, in words a student can act on, when it is nested too deep, holds
    too many files or too many bytes. Special files (FIFOs, sockets, devices) and hard
    links to files outside the submission are listed in ``left_out``; `copy_tree` skips them.
    """
    if not stat.S_ISDIR(os.lstat(root).st_mode):
        raise IntakeError(f"The submission {Path(root).name}/ is a symbolic link or a file, "
                          "not a folder; submit the folder itself.")
    scan = Scan()
    links: dict[tuple[int, int], list[str]] = {}  # hard-linked files: their names here
    for rel, info, depth in walk(root, max_depth=limits.max_depth):
        scan.depth = max(scan.depth, depth)
        if depth > limits.max_depth:
            raise IntakeError(
                f"Your submission is nested more than {limits.max_depth} directories deep "
                f"(at {_short(rel)}); the limit is {limits.max_depth}. Submit your project "
                "folder as it is, without extra nesting.")
        if stat.S_ISDIR(info.st_mode):
            continue
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
            scan.left_out[rel] = "not a regular file"
            continue
        scan.files += 1
        if stat.S_ISREG(info.st_mode):
            scan.bytes += info.st_size
            if info.st_nlink > 1:
                links.setdefault((info.st_dev, info.st_ino), []).append(rel)
        if scan.files > limits.max_files:
            raise IntakeError(
                f"Your submission holds more than {limits.max_files} files; the limit is "
                f"{limits.max_files}. Leave out virtual environments (venv/, .venv/), "
                "databases, node_modules/ and other generated files.")
        if scan.bytes > limits.max_bytes:
            raise IntakeError(
                f"Your submission is larger than {limits.max_bytes / 1e6:g} MB (the limit); "
                f"{_short(rel)} and the files before it already make "
                f"{scan.bytes / 1e6:.1f} MB. Leave out databases, virtual environments "
                "and other generated files.")
    for names in links.values():
        if os.lstat(Path(root) / names[0]).st_nlink > len(names):
            scan.left_out.update(dict.fromkeys(names, "a hard link to a file outside it"))
    return scan


def intake_notes(scan: Scan) -> list[str]:
    """Feedback about files the grader did not copy from the submission."""
    if not scan.left_out:
        return []
    names = ", ".join(f"{rel} ({why})" for rel, why in list(scan.left_out.items())[:5])
    more = len(scan.left_out) - 5
    return [f"Left out of your submission: {names}" + (f" and {more} more" if more > 0 else "")
            + "."]


def _short(rel: str, keep: int = 80) -> str:
    """A relative path, shortened in the middle when long."""
    return rel if len(rel) <= keep else f"{rel[:30]}...{rel[-45:]}"


def copy_tree(source: Path, dest: Path, *, uid: int | None = None,
              leave_out: Collection[str] = (),
              max_bytes: int | None = None) -> None:
    """Copy source to dest (which must not exist): directories, regular files, symlinks.

    Every new entry is created owner-only, given to ``uid`` (when not None), and only then
    given its mode: 0755 for directories and executable files, 0644 for the others. No
    setuid, setgid or sticky bit, no device, FIFO or socket, nothing in ``leave_out``
    (relative paths, as `scan_submission` lists them), no cache. A file that changed
    into something else since it was scanned is skipped; ``max_bytes`` caps the total.
    """
    source, dest = Path(source), Path(dest)
    _make_dir(dest, uid)
    budget = max_bytes
    dirs = [(dest, 0o755)]
    for rel, info, _depth in walk(source):
        if rel in leave_out:
            continue
        target = dest / rel
        mode = info.st_mode
        if stat.S_ISDIR(mode):
            _make_dir(target, uid)
            dirs.append((target, 0o755))
        elif stat.S_ISLNK(mode):
            os.symlink(os.readlink(source / rel), target)
            if uid is not None:
                os.lchown(target, uid, uid)
        elif stat.S_ISREG(mode):
            copied = _copy_file(source / rel, target, info, uid, budget)
            if budget is not None:
                budget -= copied
    # Directories get their final mode last: an 0755 directory is never left writable
    # by its new owner before its contents are in place, and never more than 0755.
    for path, final in dirs:
        os.chmod(path, final)


def _make_dir(path: Path, uid: int | None) -> None:
    """mkdir owner-only, then give it to uid."""
    os.mkdir(path, 0o700)
    if uid is not None:
        os.lchown(path, uid, uid)


def _copy_file(source: Path, target: Path, scanned: os.stat_result, uid: int | None,
               budget: int | None) -> int:
    """Copy one regular file (ownership before mode); return the bytes copied."""
    try:
        src = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO):  # became a link or a FIFO: skip
            return 0
        raise
    try:
        info = os.fstat(src)
        if not stat.S_ISREG(info.st_mode) or info.st_ino != scanned.st_ino:
            return 0
        dst = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            if uid is not None:
                os.fchown(dst, uid, uid)
            copied = 0
            while chunk := os.read(src, _CHUNK):
                copied += len(chunk)
                if budget is not None and copied > budget:
                    raise IntakeError("The submission grew past the size limit while it "
                                      "was being copied.")
                os.write(dst, chunk)
            os.fchmod(dst, 0o755 if info.st_mode & 0o100 else 0o644)
            return copied
        finally:
            os.close(dst)
    finally:
        os.close(src)


def remove_tree(path: Path) -> None:
    """Delete path and everything under it, however deep, never following a link.

    Holds two directory descriptors at most: each subdirectory of the top is emptied by
    moving its own subdirectories up into the top (renameat) and deleting its other
    entries, then removed. Safe while an attacker renames things inside the tree: every
    entry is opened relative to its parent with O_NOFOLLOW.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(info.st_mode):
        os.unlink(path)
        return
    top = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        counter, previous = 0, None
        while True:
            names = [(e.name, e.is_dir(follow_symlinks=False)) for e in os.scandir(top)]
            if not names:
                break
            if names == previous:
                raise OSError(errno.ENOTEMPTY, f"cannot empty {path}: stuck on {names[:3]}")
            previous = names
            for name, is_dir in names:
                if is_dir:
                    counter = _empty_subdir(top, name, counter)
                _remove_entry(top, name)
    finally:
        os.close(top)
    os.rmdir(path)


def _empty_subdir(top: int, name: str, counter: int) -> int:
    """Move the subdirectories of top/name up into top and unlink its other entries."""
    try:
        sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=top)
    except OSError:
        return counter  # not a directory (any more): _remove_entry unlinks it
    try:
        for entry in list(os.scandir(sub)):
            if not entry.is_dir(follow_symlinks=False):
                _unlink_quietly(entry.name, sub)
                continue
            while True:
                counter += 1
                try:
                    os.rename(entry.name, f".rm-{counter}", src_dir_fd=sub, dst_dir_fd=top)
                    break
                except FileNotFoundError:
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR):
                        raise
    finally:
        os.close(sub)
    return counter


def _remove_entry(top: int, name: str) -> None:
    """Remove top/name: an empty directory or anything else (gone already is fine)."""
    try:
        os.rmdir(name, dir_fd=top)
    except NotADirectoryError:
        _unlink_quietly(name, top)
    except FileNotFoundError:
        pass
    except OSError as exc:
        if exc.errno != errno.ENOTEMPTY:  # refilled meanwhile: the next round takes it
            raise


def _unlink_quietly(name: str, dir_fd: int) -> None:
    """unlinkat, ignoring an entry that is already gone."""
    try:
        os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        pass
