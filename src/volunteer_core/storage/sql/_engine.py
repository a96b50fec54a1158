"""Engines and transactions: how the SQL storage talks to SQLite and PostgreSQL.

* **SQLite** (a file, the embedded default): every connection runs in WAL mode with foreign keys on and
  a busy timeout (15 s; ``?timeout=SECONDS`` in the URL sets another); the driver's own transaction
  handling is switched off (``isolation_level = None``) and each transaction starts with
  ``BEGIN IMMEDIATE``, so writers queue for the database lock at the start instead of failing half-way
  (two units of work of one thread cannot both be open: the second waits for the first). An in-memory database (``sqlite://``) is one connection shared
  through a ``StaticPool``: one transaction at a time (tests, doctests).
* **PostgreSQL** (``postgresql+psycopg://``, psycopg 3): every transaction is ``SERIALIZABLE``, so
  predicate races (two registrations of one target) fail with serialization errors, which become
  ``ConcurrencyConflict``; an engine made here from a URL waits at most 15 s for a lock
  (``lock_timeout``, unless the URL sets ``options``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from volunteer_core.errors import ConcurrencyConflict, InvalidInput, StorageError
from volunteer_core.storage.sql._errors import db_errors

__all__ = [
    "POSTGRES_LOCK_TIMEOUT_MS",
    "SQLITE_BUSY_TIMEOUT_MS",
    "EngineLike",
    "begin",
    "end",
    "resolve_engine",
    "transaction",
]

#: What the constructors accept: a URL (text or ``sqlalchemy.URL``) or an ``Engine``.
EngineLike = str | sa.URL | sa.Engine

#: How long a SQLite transaction waits for another writer before it gives up (ConcurrencyConflict).
SQLITE_BUSY_TIMEOUT_MS = 15_000

#: How long a PostgreSQL statement of an engine made from a URL waits for a lock (then ConcurrencyConflict).
POSTGRES_LOCK_TIMEOUT_MS = 15_000

_CONFIGURED = "volunteer_core.configured"


def _is_memory(url: sa.URL) -> bool:
    return url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"


def resolve_engine(url_or_engine: EngineLike) -> sa.Engine:
    """The engine for a URL (created here; ``postgresql://`` means psycopg 3) or the engine given."""
    if isinstance(url_or_engine, sa.Engine):
        engine = url_or_engine
    elif isinstance(url_or_engine, str | sa.URL):
        try:
            url = sa.make_url(url_or_engine)
        except sa.exc.ArgumentError as err:
            raise InvalidInput(
                "url_or_engine",
                str(url_or_engine),
                message_en=f"not a database URL: {err}",
                message_zh="不是有效的数据库地址",
            ) from None
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        options: dict[str, Any] = {}
        backend = url.get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            raise _unsupported(backend, url)
        if backend == "sqlite" and _is_memory(url):
            options = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        elif backend == "postgresql":
            options = {"isolation_level": "SERIALIZABLE"}
            if "options" not in url.query:  # wait at most this long for a row lock, then conflict
                options["connect_args"] = {"options": f"-c lock_timeout={POSTGRES_LOCK_TIMEOUT_MS}"}
        with db_errors("open the database"):
            try:
                engine = sa.create_engine(url, **options)
            except ImportError as err:  # the driver is not installed
                raise StorageError(
                    f"数据库驱动未安装；the database driver is not installed ({err}): "
                    "pip install 'volunteer-core[sql]'"
                ) from err
    else:
        raise InvalidInput(
            "url_or_engine",
            repr(url_or_engine),
            code="input.type",
            message_en="must be a database URL or a sqlalchemy Engine",
            message_zh="须为数据库地址或 SQLAlchemy Engine",
        )
    if engine.dialect.name not in ("sqlite", "postgresql"):
        raise _unsupported(engine.dialect.name, engine.url)
    return engine


def _unsupported(backend: str, url: sa.URL) -> InvalidInput:
    return InvalidInput(
        "url_or_engine",
        url.render_as_string(hide_password=True),
        message_en=f"unsupported database {backend!r}: use SQLite or PostgreSQL",
        message_zh=f"不支持的数据库 {backend!r}：请使用 SQLite 或 PostgreSQL",
    )


def _configure_sqlite(conn: sa.Connection, url: sa.URL) -> None:
    """Once per DBAPI connection: WAL, foreign keys, busy timeout (unless the URL sets ``timeout``, in
    seconds, which the driver applies), and our own BEGIN."""
    proxied = conn.connection
    if proxied.info.get(_CONFIGURED):
        return
    raw = proxied.dbapi_connection
    assert raw is not None
    # pysqlite must not open transactions itself: we issue BEGIN IMMEDIATE (SQLAlchemy's recipe)
    setattr(raw, "isolation_level", None)  # noqa: B010 - not in the DBAPI protocol's type
    cursor = raw.cursor()
    try:
        if "timeout" not in url.query:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.fetchall()
    except conn.dialect.loaded_dbapi.DatabaseError as err:  # the driver's own error: not translated yet
        if "locked" in str(err) or "busy" in str(err):
            raise ConcurrencyConflict(f"数据库被占用，请重试；the database is locked: retry ({err})") from err
        where = url.render_as_string(hide_password=True)
        raise StorageError(
            f"无法打开数据库 {where}：不是 SQLite 数据库文件或已损坏；"
            f"cannot open the database {where}: not a SQLite database file, or damaged ({err})"
        ) from err
    finally:
        cursor.close()
    proxied.info[_CONFIGURED] = True


def begin(engine: sa.Engine, action: str = "begin a transaction") -> sa.Connection:
    """A connection of ``engine`` with a transaction open: ``BEGIN IMMEDIATE`` on SQLite,
    ``SERIALIZABLE`` on PostgreSQL. The caller commits or rolls back, then closes it."""
    with db_errors(action):
        conn = engine.connect()
        try:
            if engine.dialect.name == "sqlite":
                _configure_sqlite(conn, engine.url)
                conn.begin()
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.execution_options(isolation_level="SERIALIZABLE")
                conn.begin()
        except BaseException:
            with suppress(sa.exc.SQLAlchemyError):
                conn.close()
            raise
    return conn


def end(conn: sa.Connection, *, commit: bool, action: str = "commit") -> None:
    """Commit (or roll back) the connection's transaction and give the connection back to the pool."""
    try:
        if commit:
            with db_errors(action):
                conn.commit()
        else:
            with suppress(sa.exc.SQLAlchemyError):
                conn.rollback()
    finally:
        with suppress(sa.exc.SQLAlchemyError):
            conn.close()


@contextmanager
def transaction(engine: sa.Engine, action: str) -> Iterator[sa.Connection]:
    """One transaction (as :func:`begin`) committed when the block ends, rolled back on an exception."""
    conn = begin(engine, action)
    try:
        with db_errors(action):
            yield conn
    except BaseException:
        end(conn, commit=False)
        raise
    end(conn, commit=True, action=action)
