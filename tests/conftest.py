"""Shared fixtures: a PostgreSQL and a MariaDB server that the test run starts itself, and storages to test.

``make_uow`` runs a test on every storage — ``memory``, ``sqlite`` (a file), ``postgresql`` and ``mariadb`` — as a
factory of units of work on one fresh, empty storage (call it twice for two units of work that see each
other's commits). ``sql_url`` gives the URL of a fresh SQL storage (``sqlite``, ``postgresql``, ``mariadb``) for
tests that need other processes; ``sql_uow`` a unit of work on it, ``pg_engine`` the engine of the
PostgreSQL test database, emptied.

The partitioned layout (``create_schema(..., partitions=N)``): ``partitioned_pg_url`` gives a second
database of the server laid out in :data:`PG_PARTITIONS` partitions, emptied (``tests/storage/sql/
test_sql_partitions.py`` runs the contract and the ledger's tests on it); ``VOLUNTEER_CORE_PG_PARTITIONS=N``
lays the PostgreSQL test database itself out in ``N`` partitions, so that every PostgreSQL test runs on
the partitioned layout.

The PostgreSQL server comes from Debian's binaries (``initdb`` and ``pg_ctl`` on the PATH or under
``/usr/lib/postgresql/*/bin``), runs as an unprivileged user in a temporary directory on a free port of
127.0.0.1 and is stopped at the end. Without the binaries the PostgreSQL tests fail — unless
``VOLUNTEER_CORE_SKIP_POSTGRES=1`` is set, which skips them. The MariaDB server comes from Debian's
``mariadb-server`` (``mariadbd``, ``mariadb-install-db``), started the same way
(:mod:`volunteer_core.testing.mariadb`); ``VOLUNTEER_CORE_SKIP_MARIADB=1`` skips its tests.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork
from volunteer_core.testing import mariadb
from volunteer_core.testing.postgres import server_binaries, temporary_postgres

if TYPE_CHECKING:
    import sqlalchemy as sa

    from volunteer_core.storage.sql import SqlUnitOfWork

# readable assertion failures from the storage contract (before any test module imports it)
pytest.register_assert_rewrite("volunteer_core.testing.contract")

SKIP_POSTGRES_ENV = "VOLUNTEER_CORE_SKIP_POSTGRES"
SKIP_MARIADB_ENV = "VOLUNTEER_CORE_SKIP_MARIADB"
PARTITIONS_ENV = "VOLUNTEER_CORE_PG_PARTITIONS"
#: The partitions of the partitioned PostgreSQL database (``partitioned_pg_url``).
PG_PARTITIONS = 4
STORAGES = ("memory", "sqlite", "postgresql", "mariadb")
SQL_STORAGES = ("sqlite", "postgresql", "mariadb")
MIGRATED_STORAGES = ("sqlite", "postgresql")


def pytest_report_header(config: pytest.Config) -> str:
    """Say which PostgreSQL and MariaDB server binaries the storage tests will start (or why they will not)."""
    if os.environ.get(SKIP_POSTGRES_ENV) == "1":
        lines = [f"postgresql: skipped ({SKIP_POSTGRES_ENV}=1)"]
    else:
        bindir = server_binaries()
        lines = [
            f"postgresql: {bindir}"
            if bindir
            else "postgresql: no server binaries (apt-get install postgresql)"
        ]
    if os.environ.get(SKIP_MARIADB_ENV) == "1":
        lines.append(f"mariadb: skipped ({SKIP_MARIADB_ENV}=1)")
    else:
        found = mariadb.server_binaries()
        lines.append(
            f"mariadb: {found[0]}"
            if found
            else "mariadb: no server binaries (apt-get install mariadb-server)"
        )
    return "\n".join(lines)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """Start a PostgreSQL server for this test run; yield the URL of its empty database ``volunteer``."""
    if os.environ.get(SKIP_POSTGRES_ENV) == "1":
        pytest.skip(f"{SKIP_POSTGRES_ENV}=1: PostgreSQL tests skipped on request")
    if server_binaries() is None:
        pytest.fail(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: install them — on Debian/Ubuntu "
            "`apt-get install postgresql` — or set VOLUNTEER_CORE_SKIP_POSTGRES=1 to skip these tests",
            pytrace=False,
        )
    with temporary_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def mariadb_url() -> Iterator[str]:
    """Start a MariaDB server for this test run; yield the URL of its empty database ``volunteer``."""
    if os.environ.get(SKIP_MARIADB_ENV) == "1":
        pytest.skip(f"{SKIP_MARIADB_ENV}=1: MariaDB tests skipped on request")
    if mariadb.server_binaries() is None:
        pytest.fail(
            "MariaDB server binaries (mariadbd, mariadb-install-db) not found: install them — on "
            "Debian/Ubuntu `apt-get install mariadb-server` — or set VOLUNTEER_CORE_SKIP_MARIADB=1 to skip "
            "these tests",
            pytrace=False,
        )
    with mariadb.temporary_mariadb() as url:
        yield url


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the empty schema, copied for each test (creating it costs more)."""
    from volunteer_core.storage.sql import create_schema

    path = tmp_path_factory.mktemp("sqlite-template") / "volunteer.db"
    create_schema(f"sqlite:///{path}").dispose()  # the last connection checkpoints the WAL
    return path


class _Postgres:
    """A database of the test server with the schema (in ``partitions`` partitions, or unpartitioned),
    emptied before each test."""

    def __init__(self, url: str, partitions: int | None = None) -> None:
        import sqlalchemy as sa

        from volunteer_core.storage.sql import create_schema

        self.url = url
        self.engine = sa.create_engine(url, pool_size=20, max_overflow=0)
        with self.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        create_schema(self.engine, partitions=partitions)
        with self.engine.connect() as conn:
            names = conn.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_version'"
            ).scalars()
            self._tables = sorted(names)

    def empty(self) -> None:
        """Delete every row but the schema version (DELETE of small tables beats TRUNCATE's new files;
        the server-wide superuser ``postgres`` may switch foreign-key triggers off for it)."""
        with self.engine.begin() as conn:  # one round trip: statements without parameters
            conn.exec_driver_sql(
                "SET LOCAL session_replication_role = replica; "
                + "; ".join(f'DELETE FROM "{name}"' for name in self._tables)
            )


@pytest.fixture(scope="session")
def _postgres(postgres_url: str) -> Iterator[_Postgres]:
    partitions = os.environ.get(PARTITIONS_ENV)
    database = _Postgres(postgres_url, int(partitions) if partitions else None)
    yield database
    database.engine.dispose()


class _MariaDB:
    """The test server's database ``volunteer`` with the schema, emptied before each test."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        from volunteer_core.storage.sql import create_schema

        self.url = url
        self.engine = create_schema(url)
        self.engine.dispose()
        # a lock is waited for 3 s at most (15 s in an engine made from a URL): a test whose one thread
        # holds two units of work gets its refusal sooner
        self.engine = sa.create_engine(
            url,
            pool_size=20,
            max_overflow=0,
            isolation_level="SERIALIZABLE",
            pool_pre_ping=True,
            connect_args={"init_command": "SET SESSION innodb_lock_wait_timeout = 3"},
        )
        with self.engine.connect() as conn:
            names = conn.exec_driver_sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
                "AND table_name <> 'schema_version'"
            ).scalars()
            self._tables = sorted(names)

    def empty(self) -> None:
        """Delete every row but the schema version. The ledger's DELETE trigger is dropped for it and
        created again (MySQL has no way to switch a trigger off for one session)."""
        from volunteer_core.storage.sql._triggers import install_ledger_triggers

        with self.engine.begin() as conn:
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
            ledger = conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM records)").scalar()
            if ledger:
                conn.exec_driver_sql("DROP TRIGGER IF EXISTS ledger_records_delete")
            for name in self._tables:
                conn.exec_driver_sql(f"DELETE FROM `{name}`")
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 1")
            if ledger:
                install_ledger_triggers(conn)


@pytest.fixture(scope="session")
def _mariadb(mariadb_url: str) -> Iterator[_MariaDB]:
    database = _MariaDB(mariadb_url)
    yield database
    database.engine.dispose()


@pytest.fixture(scope="session")
def _postgres_partitioned(postgres_url: str) -> Iterator[_Postgres]:
    """The server's second database ``volunteer_partitioned``, laid out in :data:`PG_PARTITIONS` partitions."""
    import psycopg
    import sqlalchemy as sa

    url = sa.make_url(postgres_url)
    name = "volunteer_partitioned"
    with psycopg.connect(
        host=url.host, port=url.port, user=url.username, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name} TEMPLATE template0")
    database = _Postgres(url.set(database=name).render_as_string(hide_password=False), PG_PARTITIONS)
    yield database
    database.engine.dispose()


@pytest.fixture
def partitioned_pg_url(_postgres_partitioned: _Postgres) -> str:
    """The URL of the partitioned PostgreSQL database (:data:`PG_PARTITIONS` partitions), emptied."""
    _postgres_partitioned.empty()
    return _postgres_partitioned.url


def _fresh_sql(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh SQL storage with an empty schema."""
    if kind == "sqlite":
        path = tmp_path / "volunteer.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        return f"sqlite:///{path}"
    database: _Postgres | _MariaDB = request.getfixturevalue("_mariadb" if kind == "mariadb" else "_postgres")
    database.empty()
    return database.url


@pytest.fixture(params=STORAGES)
def make_uow(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], UnitOfWork]]:
    """A factory of units of work on one fresh, empty storage (memory, a SQLite file, PostgreSQL)."""
    kind: str = request.param
    if kind == "memory":
        store = InMemoryStore()
        yield lambda: InMemoryUnitOfWork(store)
        return
    from volunteer_core.storage.sql import SqlUnitOfWork

    url = _fresh_sql(kind, request, tmp_path)
    if kind in ("postgresql", "mariadb"):
        engine = request.getfixturevalue("_mariadb" if kind == "mariadb" else "_postgres").engine
        yield lambda: SqlUnitOfWork(engine)
        return
    shared = SqlUnitOfWork(url).engine
    try:
        yield lambda: SqlUnitOfWork(shared)
    finally:
        shared.dispose()


@pytest.fixture(params=SQL_STORAGES)
def sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh SQL storage with the schema and no data (a SQLite file, or the test server's
    database)."""
    return _fresh_sql(request.param, request, tmp_path)


@pytest.fixture
def sql_uow(sql_url: str) -> Iterator[SqlUnitOfWork]:
    """A unit of work on a fresh SQL storage (a SQLite file, the PostgreSQL test database); its engine is
    disposed afterwards."""
    from volunteer_core.storage.sql import SqlUnitOfWork

    uow = SqlUnitOfWork(sql_url)
    yield uow
    uow.engine.dispose()


@pytest.fixture
def pg_engine(request: pytest.FixtureRequest) -> sa.Engine:
    """The engine of the PostgreSQL test database, emptied."""
    database: _Postgres = request.getfixturevalue("_postgres")
    database.empty()
    engine: sa.Engine = database.engine
    return engine


@pytest.fixture(params=SQL_STORAGES)
def blank_sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new SQL database without any table (a new SQLite file, a new PostgreSQL or MariaDB
    database)."""
    return _blank(request.param, request, tmp_path)


@pytest.fixture(params=MIGRATED_STORAGES)
def legacy_sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new database without any table on a backend that had databases of the older schema
    versions (SQLite, PostgreSQL): MySQL and MariaDB start at version 4, nothing older exists there."""
    return _blank(request.param, request, tmp_path)


def _blank(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'blank.db'}"
    import sqlalchemy as sa

    name = f"blank_{uuid.uuid4().hex[:12]}"
    if kind == "mariadb":
        server = sa.make_url(request.getfixturevalue("mariadb_url"))
        engine = sa.create_engine(server)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql(
                    f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"
                )
        finally:
            engine.dispose()
        return server.set(database=name).render_as_string(hide_password=False)
    import psycopg

    url = sa.make_url(request.getfixturevalue("postgres_url"))
    with psycopg.connect(
        host=url.host, port=url.port, user=url.username, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE template0")
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["memory", "sqlite"])
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """The HTTP service (``tests/http/http_kit.py``) over the in-memory storage and over a SQLite file, tokens
    and audit in memory: what most tests under ``tests/http`` take (a module may define its own)."""
    from http_kit import memory_service, sqlite_service

    if request.param == "memory":
        yield from memory_service()
    else:
        yield from sqlite_service(tmp_path / "v.db")


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Say how many public parsers tests/test_robustness.py discovered and fed junk."""
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for name, value in getattr(report, "user_properties", ()):
                if name == "parsers_found":
                    terminalreporter.write_line(f"robustness: {value} public parsers discovered and fed junk")
                    return
