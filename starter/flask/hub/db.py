"""The database: one Flask-SQLAlchemy object, SQLite settings, and creating the tables.

``db`` is created here without an app and bound to each app in ``init_app`` (the extension
pattern of the Flask tutorial), so tests can make as many apps as they like.

SQLite is the default; set ``DATABASE_URL=postgresql://user:pass@host/dbname`` (and install
a driver such as ``psycopg``) to use PostgreSQL instead. Nothing else changes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import BigInteger, DateTime, Integer, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

SQLITE_BUSY_TIMEOUT_MS = 5000
"""How long a SQLite connection waits for another writer before giving up."""


class Base(DeclarativeBase):
    """The declarative base every model inherits from (SQLAlchemy 2.0 style).

    A ``Mapped[int]`` column (the ids) is 64-bit on every database, like Django's
    BigAutoField: PostgreSQL's INTEGER stops at 2**31 - 1, and a client may send a larger id
    (a command to acknowledge), which must be a 404, not a 500. SQLite keeps its INTEGER,
    which is 64-bit already (and makes an ``INTEGER PRIMARY KEY`` count up by itself).
    """

    registry = registry(type_annotation_map={int: BigInteger().with_variant(Integer(), "sqlite")})


db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
"""The database of the app. After a commit the objects keep their values (expire_on_commit is
off): a view that stored a reading can show it without loading it again. Each request gets
a fresh session, so nothing stale outlives the request."""


def utcnow() -> datetime:
    """Return the current time as an aware datetime in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime column that always stores UTC and always returns an aware UTC datetime.

    SQLite has no time-zone type: it keeps ``2026-11-24 10:00:00`` and forgets the offset. So
    we convert every value to UTC on the way in, store it without an offset (the same on
    every database), and attach UTC again on the way out.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert an aware datetime to naive UTC before it is stored or compared."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a datetime without a time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Attach UTC to the naive value the database gives back."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def init_app(app: Flask) -> None:
    """Bind ``db`` to the app, tune SQLite connections, and create missing tables."""
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", set_sqlite_pragmas)
        create_tables()


def create_tables(attempts: int = 5) -> None:
    """Create the missing tables, even when several workers start at once on a new database.

    Two gunicorn workers may both see that a table is missing and both create it; the slower
    one fails with "table ... already exists". Checking again sorts that out.
    """
    for attempt in range(attempts):
        try:
            db.create_all()
            return
        except OperationalError:
            db.session.rollback()
            if attempt == attempts - 1:
                raise


def set_sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Turn on foreign keys (for ON DELETE CASCADE), WAL and a busy timeout on each connection.

    WAL lets readers carry on while one writer writes, and the busy timeout makes a second
    writer wait instead of failing at once with "database is locked".
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, and far fewer fsyncs
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def init_db(app: Flask, *, drop: bool = False) -> None:
    """Create the tables that are missing; with ``drop=True`` delete everything first."""
    with app.app_context():
        if drop:
            db.drop_all()
        create_tables()


__all__ = ["Base", "UTCDateTime", "db", "init_app", "init_db", "utcnow"]
