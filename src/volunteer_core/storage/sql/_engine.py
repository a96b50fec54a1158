"""Engines and transactions: how the SQL storage talks to SQLite, PostgreSQL, MySQL / MariaDB and others.

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
* **MySQL and MariaDB** (``mysql+pymysql://``; ``mysql://`` and ``mariadb://`` mean PyMySQL): every
  transaction is ``SERIALIZABLE`` (InnoDB then locks what it reads, so the same races fail with a deadlock
  or a lock wait, which become ``ConcurrencyConflict``); each connection runs in strict SQL mode, and an
  engine made here from a URL waits at most 15 s for a row lock (``innodb_lock_wait_timeout``) and talks
  utf8mb4.
* **Any other SQLAlchemy dialect** runs the portable path of :data:`~volunteer_core.storage.sql._dialects.
  DIALECTS` and says so once (:class:`~volunteer_core.storage.sql._dialects.UnknownDialectWarning`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from volunteer_core.errors import ConcurrencyConflict, InvalidInput, StorageError
from volunteer_core.storage.sql._dialects import UnknownDialectWarning, dialect_of
from volunteer_core.storage.sql._errors import db_errors, normalise_mysql_error

__all__ = [
    "MYSQL_LOCK_WAIT_TIMEOUT_S",
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

#: How long a MySQL / MariaDB statement of an engine made from a URL waits for a row lock, in seconds.
MYSQL_LOCK_WAIT_TIMEOUT_S = 15

_CONFIGURED = "volunteer_core.configured"
_MYSQL_DRIVERS = {"mysql": "mysql+pymysql", "mariadb": "mariadb+pymysql"}


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
        elif url.drivername in _MYSQL_DRIVERS:
            url = url.set(drivername=_MYSQL_DRIVERS[url.drivername])
        options: dict[str, Any] = {}
        backend = url.get_backend_name()
        if backend == "sqlite" and _is_memory(url):
            options = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        elif backend == "postgresql":
            options = {"isolation_level": "SERIALIZABLE"}
            if "options" not in url.query:  # wait at most this long for a row lock, then conflict
                options["connect_args"] = {"options": f"-c lock_timeout={POSTGRES_LOCK_TIMEOUT_MS}"}
        elif backend in ("mysql", "mariadb"):
            options = {"isolation_level": "SERIALIZABLE", "pool_pre_ping": True}
            if "charset" not in url.query:
                url = url.update_query_dict({"charset": "utf8mb4"})
            if url.get_driver_name() == "pymysql" and "init_command" not in url.query:
                init = f"SET SESSION innodb_lock_wait_timeout = {MYSQL_LOCK_WAIT_TIMEOUT_S}"
                options["connect_args"] = {"init_command": init}
        with db_errors("open the database"):
            try:
                engine = sa.create_engine(url, **options)
            except sa.exc.NoSuchModuleError:
                raise InvalidInput(
                    "url_or_engine",
                    url.render_as_string(hide_password=True),
                    message_en=f"no SQLAlchemy dialect {url.drivername!r} is installed",
                    message_zh=f"未安装 SQLAlchemy 方言 {url.drivername!r}",
                ) from None
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
    if dialect_of(engine).family == "mysql" and not sa.event.contains(
        engine, "handle_error", normalise_mysql_error
    ):
        sa.event.listen(engine, "handle_error", normalise_mysql_error)
    return engine


def _configure_mysql(conn: sa.Connection) -> None:
    """Once per DBAPI connection: strict SQL mode, so that a value the column cannot hold is refused,
    never truncated."""
    proxied = conn.connection
    if proxied.info.get(_CONFIGURED):
        return
    raw = proxied.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()  # on the driver's connection: no SQLAlchemy transaction begins here
    try:
        cursor.execute(
            "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_ALL_TABLES')"
        )
    finally:
        cursor.close()
    proxied.info[_CONFIGURED] = True


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
    ``SERIALIZABLE`` elsewhere (:data:`~volunteer_core.storage.sql._dialects.DIALECTS`). The caller
    commits or rolls back, then closes it."""
    with db_errors(action):
        conn = engine.connect()
        try:
            dialect = dialect_of(engine)
            if dialect.family == "sqlite":
                _configure_sqlite(conn, engine.url)
                conn.begin()
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                if dialect.family == "mysql":
                    _configure_mysql(conn)
                if dialect.isolation is not None:
                    _isolate(conn, dialect.isolation, strict=dialect.family != "portable")
                conn.begin()
        except BaseException:
            with suppress(sa.exc.SQLAlchemyError):
                conn.close()
            raise
    return conn


_REFUSED_ISOLATION: set[str] = set()


def _isolate(conn: sa.Connection, level: str, *, strict: bool) -> None:
    """Ask for the isolation ``level``; on the portable path a database that refuses it (a driver that
    does not know it, a server that answers with an error — TiDB) keeps its own, and the storage says so
    once."""
    try:
        conn.execution_options(isolation_level=level)
    except (sa.exc.ArgumentError, sa.exc.DBAPIError) as err:
        if strict:
            raise
        name = conn.dialect.name
        if name not in _REFUSED_ISOLATION:
            _REFUSED_ISOLATION.add(name)
            warnings.warn(
                f"数据库 {name!r} 不接受 {level} 隔离级别，按其默认级别运行；the database {name!r} refused the "
                f"{level} isolation level ({type(err).__name__}): its transactions run at its default level, "
                "where concurrent writes may break what only serializable transactions guarantee",
                UnknownDialectWarning,
                stacklevel=4,
            )


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
