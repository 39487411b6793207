"""A throwaway PostgreSQL server for tests: Debian's binaries, a temporary directory, a free port.

    from pgtesting import throwaway_postgres, unavailable_reason

    if (reason := unavailable_reason()) is not None:
        pytest.skip(reason)
    with throwaway_postgres() as server:
        server.url        # postgresql://hub:<password>@127.0.0.1:<port>/hub
        server.sql("select count(*) from devices")

Each server is its own: `initdb` makes a new cluster in a new directory under the system's
temporary directory, the server listens on a free loopback port and keeps its socket in that
directory, and leaving the block stops it and deletes everything. So any number of them can
run side by side (pytest-xdist workers each start their own).

Debian installs the server outside the PATH, in /usr/lib/postgresql/<version>/bin (the
`postgresql` package; `scripts/install-system-packages` installs it). `initdb` and `postgres`
refuse to run as root, so as root they run as the `postgres` system user that Debian's package
creates, in a directory that user owns; the tests, still root, talk to the server over TCP.
The cluster runs with fsync off: it is thrown away, and durability would only cost time.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DEBIAN_SERVER_DIRS = "/usr/lib/postgresql/*/bin"
"""Where Debian's postgresql-<version> packages put initdb, pg_ctl and postgres."""
SERVER_USER = "postgres"
"""The unprivileged user the server runs as when the tests run as root."""
DATABASE = "hub"
USER = "hub"
START_ATTEMPTS = 3
"""A free port can be taken by someone else before the server binds it: try again."""
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",  # a throwaway cluster: no need to survive a power cut
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
    "shared_buffers": "32MB",
    "logging_collector": "off",
}


def server_bin_dir() -> Path | None:
    """The directory of initdb and pg_ctl: Debian's newest version, else the PATH's, else None."""
    found = [Path(p).parent for p in glob.glob(DEBIAN_SERVER_DIRS + "/initdb")
             if os.access(p, os.X_OK)]
    if found:
        return max(found, key=lambda d: _version(d.parent.name))
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _version(name: str) -> tuple[int, ...]:
    """'15' -> (15,), '9.6' -> (9, 6); anything else sorts first."""
    try:
        return tuple(int(part) for part in name.split("."))
    except ValueError:
        return (0,)


def run_as_user() -> pwd.struct_passwd | None:
    """Whom to run the server as: None for ourselves, the postgres user when we are root."""
    if os.geteuid() != 0:
        return None
    return pwd.getpwnam(SERVER_USER)  # KeyError when missing; unavailable_reason() says so


def unavailable_reason() -> str | None:
    """Why no throwaway server can start here (a sentence for pytest.skip), or None."""
    if server_bin_dir() is None:
        return (
            "PostgreSQL's server is not installed (no initdb in /usr/lib/postgresql/*/bin or on "
            "the PATH); install Debian's package: sudo apt-get install postgresql "
            "(scripts/install-system-packages does it when run as root)"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return (
                f"running as root, and initdb refuses root: there is no {SERVER_USER!r} user "
                "to run the server as (Debian's postgresql package creates it)"
            )
    return None


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway server and how to reach its database."""

    bin_dir: Path
    directory: Path
    port: int
    password: str
    user: str = USER
    database: str = DATABASE
    host: str = "127.0.0.1"

    @property
    def url(self) -> str:
        """The database's URL, as DATABASE_URL takes it (both hubs read postgresql://)."""
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{self.database}"

    @property
    def version(self) -> str:
        """The server's version, e.g. 'PostgreSQL 15.8 (Debian 15.8-0+deb12u1) on ...'."""
        return str(self.sql("select version()")[0][0])

    def sql(self, query: str) -> list[tuple]:
        """Run one statement in the database (autocommit) and return its rows."""
        import psycopg  # the hubs' driver (pyproject's dev dependencies)

        with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as connection:
            cursor = connection.execute(query)
            return cursor.fetchall() if cursor.description else []


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[PostgresServer]:
    """Start a new server with an empty database `hub`; stop it and delete it all on leaving."""
    bin_dir = server_bin_dir()
    if bin_dir is None:
        raise RuntimeError(unavailable_reason())
    owner = run_as_user()
    top = Path(tempfile.mkdtemp(prefix="pg-throwaway-"))
    try:
        if owner is not None:
            os.chown(top, owner.pw_uid, owner.pw_gid)
        password = secrets.token_urlsafe(16)
        _initdb(bin_dir, top, owner, password)
        server = _start(bin_dir, top, owner, password)
        try:
            _run(owner, [bin_dir / "createdb", "-h", str(top), "-p", str(server.port),
                         "-U", USER, DATABASE], top)
            yield server
        finally:
            _run(owner, [bin_dir / "pg_ctl", "-D", str(top / "data"), "-m", "immediate",
                         "-w", "stop"], top, check=False)
    finally:
        shutil.rmtree(top, ignore_errors=True)


def _initdb(bin_dir: Path, top: Path, owner: pwd.struct_passwd | None, password: str) -> None:
    """A new cluster in top/data: superuser `hub`, password over TCP, trust on its own socket."""
    password_file = top / "password"
    password_file.write_text(password + "\n")
    if owner is not None:
        os.chown(password_file, owner.pw_uid, owner.pw_gid)
    _run(owner, [
        bin_dir / "initdb", "-D", str(top / "data"), "-U", USER, f"--pwfile={password_file}",
        "--auth-host=scram-sha-256", "--auth-local=trust", "--encoding=UTF8", "--locale=C",
        "--no-sync",
    ], top)
    password_file.unlink()
    with (top / "data" / "postgresql.conf").open("a") as conf:
        conf.write("\n# throwaway test server (tests/pgtesting.py)\n")
        conf.write(f"unix_socket_directories = '{top}'\n")
        conf.writelines(f"{name} = {value}\n" for name, value in SETTINGS.items())


def _start(
    bin_dir: Path, top: Path, owner: pwd.struct_passwd | None, password: str
) -> PostgresServer:
    """Start the server on a free port, trying another port if that one was taken meanwhile."""
    log = top / "server.log"
    for attempt in range(START_ATTEMPTS):
        port = free_port()
        started = _run(owner, [
            bin_dir / "pg_ctl", "-D", str(top / "data"), "-l", str(log), "-o", f"-p {port}",
            "-w", "-t", "60", "start",
        ], top, check=False)
        if started.returncode == 0:
            return PostgresServer(bin_dir=bin_dir, directory=top, port=port, password=password)
        if attempt == START_ATTEMPTS - 1:
            text = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(
                f"PostgreSQL did not start ({started.stdout}{started.stderr}):\n{text[-3000:]}"
            )
    raise AssertionError("unreachable")


def _run(
    owner: pwd.struct_passwd | None, argv: list, cwd: Path, *, check: bool = True
) -> subprocess.CompletedProcess:
    """Run one of the server's programs, as `owner` when given (we are root then)."""
    as_user = {}
    if owner is not None:
        as_user = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "TZ": "UTC"}
    if owner is not None:
        env["HOME"] = owner.pw_dir
    result = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, text=True,
                            capture_output=True, timeout=120, **as_user)
    if check and result.returncode != 0:
        raise RuntimeError(
            f"{Path(argv[0]).name} failed with {result.returncode}:\n{result.stdout}{result.stderr}"
        )
    return result
