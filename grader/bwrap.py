"""The sandbox's walls: a bubblewrap command line that gives one job a private view.

Student code (a project's server, a notebook's kernel) runs under ``bwrap`` with a
filesystem built from nothing: the system's programs and libraries and the Python runtime
read-only, the job's own box writable, private tmpfs for ``/tmp``, ``/var/tmp``,
``/dev/shm`` and ``/run``, fresh ``/dev`` and ``/proc``. Nothing else of the host is there:
not the course directory, not other boxes, not another copy of the repository, not a host
socket. New IPC and UTS namespaces; PID and network namespaces unless the caller keeps
them (the project runner already made its own, which the trusted suite joins); no
capabilities; ``NoNewPrivs`` (bwrap always sets it, so a setuid file gains nothing) and
every bind ``nosuid``; no user namespace of its own inside (``--disable-userns``: no
"root" in a nested namespace, less kernel to attack); the job's own session, so it cannot
push keys into the grader's terminal; it dies with its parent.

Example::

    view = View(uid=61001, writable=[box], chdir=box / "app")
    subprocess.run(bwrap_argv(view, ["python", "server.py"]))
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["View", "bwrap_argv", "bwrap_problem", "system_paths"]

_MS_NOSUID, _MS_NODEV, _MS_BIND, _MS_MOVE, _MS_REC = 2, 4, 4096, 8192, 16384
#: Root-only directory for the mount points `open_prefixes` stages through.
STAGING_DIR = Path("/run/blink-grader") if Path("/run").is_dir() else Path("/var/tmp/.blink-grader")

#: What every job may read: the system's programs, libraries and settings.
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
#: The private scratch places of a view, and their subdirectory under `View.tmp_source`.
TMP_DIRS = {"/tmp": "tmp", "/var/tmp": "var-tmp", "/dev/shm": "shm", "/run": "run"}


#: The course's own packages that a notebook imports (it drives the simulated boards, runs a
#: hub in memory, starts a broker). Installed in editable mode (`pip install -e .`, as `make`
#: does), they live in the repository, outside the venv: only their directories are bound,
#: never the repository (source notebooks with hidden tests, reference solutions). Only a
#: notebook's view gets them: `hubkit` is a whole contract hub, and a project submission
#: must be the student's own hub, not an import of ours.
STUDENT_PACKAGES = ("simulators", "hubkit", "mqttkit")


def python_paths(packages: tuple[str, ...] = ()) -> list[Path]:
    """The Python runtime the grader runs on: its venv, the base installation, and the
    directories of ``packages`` (some of `STUDENT_PACKAGES`) where they are not inside
    the venv."""
    paths = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    for name in packages:
        spec = importlib.util.find_spec(name)
        for location in (spec.submodule_search_locations or []) if spec else []:
            package = Path(location).resolve()
            if not any(package.is_relative_to(p) for p in paths):
                paths.add(package)
    return sorted(p for p in paths if p.exists())


def system_paths(packages: tuple[str, ...] = ()) -> list[Path]:
    """Every read-only path of a job's view (system directories, the Python runtime and
    the course's ``packages``)."""
    system = [Path(p) for p in SYSTEM_DIRS if Path(p).exists()]
    return [*system, *python_paths(packages)]


@dataclass(frozen=True)
class View:
    """What one job sees and may do.

    :param uid: the unprivileged uid (and gid) the job runs as.
    :param writable: directories bound read-write at the same path (the job's box).
    :param binds: ``(host path, path in the view)`` pairs bound read-write, for a
        directory that must appear elsewhere (the project runner's box, at ``/box``).
    :param readable: extra directories bound read-only at the same path.
    :param packages: the course's packages the job may import (`STUDENT_PACKAGES` for a
        notebook; none for a project's hub, which must be the student's own code).
    :param chdir: the working directory inside the view.
    :param tmp_bytes: the size of each private tmpfs (``/tmp``, ``/var/tmp``, ``/dev/shm``).
    :param tmp_source: instead of those tmpfs (bwrap can cap their size, not their inodes):
        a directory of the caller's, on a tmpfs it mounted with both caps (the project
        runner's box), whose subdirectories ``tmp``, ``var-tmp``, ``shm`` and ``run`` are
        bound at ``/tmp``, ``/var/tmp``, ``/dev/shm`` and ``/run``.
    :param own_network: True: a new network namespace with loopback only. False: keep the
        caller's (the project runner's namespace, already cut off, which the suite joins).
    :param own_pids: True: a new PID namespace.
    :param env: the whole environment of the job (nothing else of the grader's leaks in).
    :param status_fd: an inherited descriptor bwrap reports on (``--json-status-fd``): a
        ``{"child-pid": N}`` line once the view is set up, so a caller can tell a sandbox
        that failed to start from a command that failed (pass it in ``pass_fds``).
    """

    uid: int
    writable: tuple[Path, ...] = ()
    binds: tuple[tuple[Path, Path], ...] = ()
    readable: tuple[Path, ...] = ()
    packages: tuple[str, ...] = ()
    chdir: Path | None = None
    tmp_bytes: int = 64 << 20
    tmp_source: Path | None = None
    own_network: bool = True
    own_pids: bool = True
    env: dict[str, str] = field(default_factory=dict)
    status_fd: int | None = None


def bwrap_argv(view: View, argv: list[str]) -> list[str]:
    """The command that runs ``argv`` inside ``view``."""
    args = ["bwrap", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--unshare-user", "--disable-userns", "--unshare-ipc", "--unshare-uts",
            "--hostname", "sandbox",
            "--uid", str(view.uid), "--gid", str(view.uid), "--clearenv"]
    if view.own_network:
        args.append("--unshare-net")
    if view.own_pids:
        args.append("--unshare-pid")
    for path in SYSTEM_DIRS:
        if Path(path).exists():
            args += ["--ro-bind", path, path]
    args += ["--dev", "/dev", "--proc", "/proc"]
    for path, sub in TMP_DIRS.items():
        if view.tmp_source is None:
            args += ["--size", str(view.tmp_bytes), "--perms", "1777", "--tmpfs", path]
        else:
            args += ["--bind", str(Path(view.tmp_source) / sub), path]
    # After the private /tmp: a Python runtime or a readable directory under /tmp (a
    # course cloned into /tmp) must stay visible, not be covered by the empty tmpfs.
    for path in [*python_paths(view.packages), *view.readable]:
        args += ["--ro-bind", str(path), str(path)]
    for path in view.writable:
        args += ["--bind", str(path), str(path)]
    for source, dest in view.binds:
        args += ["--bind", str(source), str(dest)]
    if view.chdir is not None:
        args += ["--chdir", str(view.chdir)]
    if view.status_fd is not None:
        args += ["--json-status-fd", str(view.status_fd)]
    for key, value in view.env.items():
        args += ["--setenv", key, value]
    args += ["--", *argv]
    if os.geteuid() == 0:
        # Become the job's uid first: bwrap then maps it to itself in its user namespace,
        # so the job's processes and files belong to that uid on the host too.
        args = ["setpriv", f"--reuid={view.uid}", f"--regid={view.uid}", "--clear-groups",
                "--", *args]
        if any(closed_ancestor(str(p)) for p in python_paths(view.packages)):
            # The uid could not even reach the Python runtime (pyenv under /root, 0700):
            # open it up in a private mount namespace first (see `open_prefixes`).
            args = ["unshare", "--mount", "--propagation", "private", "--",
                    sys.executable, "-I", "-m", "grader.bwrap", *view.packages, "--", *args]
    return args


def closed_ancestor(path: str) -> str | None:
    """The first directory on the way to ``path`` that others cannot traverse, or None."""
    current = "/"
    for part in [p for p in path.split("/") if p]:
        current = os.path.join(current, part)
        if not os.stat(current).st_mode & 0o001:
            return current
    return None


def open_prefixes(prefixes: list[str], staging_root: str) -> list[str]:
    """Make each prefix (the Python installation, the course's packages) reachable by an
    unprivileged uid.

    Run as root inside a private mount namespace. When an ancestor is closed to others
    (pyenv under /root, 0700; a course cloned into a 0700 temporary directory), mount an
    empty tmpfs (0755) over that ancestor and bind the prefix back inside it: the uid can
    run Python, and sees nothing else of that ancestor. Every prefix is set aside before
    any tmpfs goes up, since one ancestor may hold several (the venv and `simulators/`).
    """
    libc = ctypes.CDLL(None, use_errno=True)
    staged = []
    for index, prefix in enumerate(prefixes):
        closed = closed_ancestor(prefix)
        if closed is None:
            continue
        stage = os.path.join(staging_root, f"stage-{index}")
        os.makedirs(stage, 0o700, exist_ok=True)
        mount(libc, prefix, stage, None, _MS_BIND | _MS_REC, None)
        staged.append((prefix, closed, stage))
    for closed in dict.fromkeys(closed for _, closed, _ in staged):
        mount(libc, "tmpfs", closed, "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=755,size=64k")
    for prefix, _, stage in staged:
        os.makedirs(prefix, mode=0o755, exist_ok=True)
        mount(libc, stage, prefix, None, _MS_MOVE, None)
    return [prefix for prefix, _, _ in staged]


def mount(libc: Any, source: str, target: str, fstype: str | None, flags: int,
           data: str | None) -> None:
    """Call mount(2), raising OSError on failure."""
    args = [source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
            data.encode() if data else None]
    if libc.mount(*args) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {source} on {target}: {os.strerror(err)}")


def main(argv: list[str]) -> None:
    """``python -I -m grader.bwrap [PACKAGE...] -- COMMAND...``: open the Python runtime
    (and the course's packages named), then run COMMAND.

    Run as root by `bwrap_argv` inside ``unshare --mount``; the mounts it makes live and
    die with that namespace. The staging mount points sit in a root-only directory.
    """
    split = argv.index("--")
    packages, command = tuple(argv[:split]), argv[split + 1:]
    staging = STAGING_DIR / "stage"
    staging.mkdir(mode=0o700, parents=True, exist_ok=True)
    open_prefixes([str(p) for p in python_paths(packages)], str(staging))
    os.execvp(command[0], command)


def bwrap_problem() -> str | None:
    """Why bubblewrap cannot sandbox a job on this machine, or None when it can."""
    if shutil.which("bwrap") is None:
        return ("bubblewrap is not installed (Debian: apt-get install -y bubblewrap; "
                "scripts/install-system-packages does it, and `make test` and `make grade` "
                "run that script)")
    probe = bwrap_argv(View(uid=65534), ["true"])
    try:
        done = subprocess.run(probe, capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap did not run: {exc}"
    if done.returncode != 0:
        return f"bubblewrap failed: {done.stderr.decode(errors='replace').strip()}"
    return None


if __name__ == "__main__":
    main(sys.argv[1:])
