"""The integrators' repository contract (``volunteer_core.testing.contract``) on the SQL storage:
SQLite files, the PostgreSQL and MariaDB test servers, and the portable path of an unknown database
(run on a PostgreSQL database).

Each fresh storage is the run's one database emptied (a SQLite file, the PostgreSQL test database), so
that one engine — and its cache of compiled statements — serves every example.

SQLite starts every transaction with ``BEGIN IMMEDIATE``: two units of work of one thread cannot both be
open (the second waits for the first), so SQLite declares no siblings — its concurrency is proven by
processes here and by threads in ``tests/storage/test_concurrency.py``. PostgreSQL (SERIALIZABLE)
declares every capability.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import ClassVar

import pytest
import sqlalchemy as sa

from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.sql import SqlUnitOfWork, create_schema
from volunteer_core.testing.contract import UnitOfWorkContract


class _SqliteFile:
    """One SQLite file with the schema for the module (one engine: its statement cache is reused), its
    tables in the order to empty them, and its triggers: the ledger's refuse a DELETE of records, so
    emptying drops them and creates them again, in the same transaction."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        reflected = sa.MetaData()
        reflected.reflect(engine)
        self.tables = [t for t in reversed(reflected.sorted_tables) if t.name != "schema_version"]
        with engine.connect() as conn:
            self.triggers = conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
            ).all()
        assert self.triggers, "the schema has the ledger's triggers"

    def empty(self) -> None:
        with self.engine.begin() as conn:
            for name, _ in self.triggers:
                conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
            for table in self.tables:
                conn.execute(table.delete())
            for _, sql in self.triggers:
                conn.exec_driver_sql(sql)


@pytest.fixture(scope="module")
def _contract_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_SqliteFile]:
    path = tmp_path_factory.mktemp("contract") / "volunteer.db"
    database = _SqliteFile(create_schema(f"sqlite:///{path}"))
    yield database
    database.engine.dispose()


def _url(uow: UnitOfWork) -> str:
    assert isinstance(uow, SqlUnitOfWork)
    return uow.engine.url.render_as_string(hide_password=False)


def _reopen(uow: UnitOfWork) -> UnitOfWork:
    """A unit of work on a new engine of the same database: new connections, as a new process opens it."""
    return SqlUnitOfWork(_url(uow))


def _dispose(uow: UnitOfWork, shared: sa.Engine) -> None:
    """Dispose of the engine of a reopened unit of work (the module's shared engine stays)."""
    assert isinstance(uow, SqlUnitOfWork)
    if uow.engine is not shared:
        uow.engine.dispose()


class TestSqliteContract(UnitOfWorkContract):
    supports_multiprocess = True

    @pytest.fixture(autouse=True)
    def _database(self, _contract_sqlite: _SqliteFile) -> None:
        self._sqlite = _contract_sqlite

    def make_uow(self) -> UnitOfWork:
        self._sqlite.empty()
        return SqlUnitOfWork(self._sqlite.engine)

    def dispose_uow(self, uow: UnitOfWork) -> None:
        _dispose(uow, self._sqlite.engine)

    def process_factory(self, uow: UnitOfWork) -> Callable[[], UnitOfWork]:
        return functools.partial(SqlUnitOfWork, _url(uow))

    def reopen(self, uow: UnitOfWork) -> UnitOfWork:
        return _reopen(uow)


class _ServerContract(UnitOfWorkContract):
    """The contract on a database of a test server (the session fixture named by ``server``), emptied for
    each unit of work: every capability is declared."""

    __test__ = False
    server: ClassVar[str]
    supports_serializable = True
    supports_threads = True
    supports_multiprocess = True

    @pytest.fixture(autouse=True)
    def _server(self, request: pytest.FixtureRequest) -> None:
        self._database = request.getfixturevalue(self.server)

    def make_uow(self) -> UnitOfWork:
        self._database.empty()
        return SqlUnitOfWork(self._database.engine)

    def dispose_uow(self, uow: UnitOfWork) -> None:
        _dispose(uow, self._database.engine)

    def make_sibling(self, uow: UnitOfWork) -> UnitOfWork:
        assert isinstance(uow, SqlUnitOfWork)
        return SqlUnitOfWork(uow.engine)

    def process_factory(self, uow: UnitOfWork) -> Callable[[], UnitOfWork]:
        return functools.partial(SqlUnitOfWork, _url(uow))

    def reopen(self, uow: UnitOfWork) -> UnitOfWork:
        return _reopen(uow)


class TestPostgresContract(_ServerContract):
    server = "_postgres"


class TestMariaDBContract(_ServerContract):
    """MariaDB (InnoDB, SERIALIZABLE): races between units of work end in a deadlock or a lock wait, which
    are ``ConcurrencyConflict`` and retried. Its reads lock what they read: a sibling's read of rows being
    written waits (here one second) and is refused."""

    server = "_mariadb"
    reads_wait_for_writers = True

    def make_sibling(self, uow: UnitOfWork) -> UnitOfWork:
        url = sa.make_url(_url(uow)).update_query_dict(
            {"init_command": "SET SESSION innodb_lock_wait_timeout = 1"}
        )
        return SqlUnitOfWork(url.render_as_string(hide_password=False))


class _Portable:
    """A database of the PostgreSQL test server run on the portable path of the dialect table (as an
    unknown database would be): no triggers, rows added by reading first, records read in keyset pages."""

    def __init__(self, server_url: str) -> None:
        url = sa.make_url(server_url)
        with sa.create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.exec_driver_sql("DROP DATABASE IF EXISTS portable")
            conn.exec_driver_sql("CREATE DATABASE portable")
        self.url = url.set(database="portable")
        self.engine = sa.create_engine(self.url, pool_size=20, max_overflow=0).execution_options(
            volunteer_core_dialect="portable"
        )
        create_schema(self.engine)
        reflected = sa.MetaData()
        reflected.reflect(self.engine)
        self.tables = [t for t in reversed(reflected.sorted_tables) if t.name != "schema_version"]
        with self.engine.connect() as conn:
            triggers = conn.exec_driver_sql("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal").scalar()
        assert triggers == 0, "the portable path installs no trigger"

    def empty(self) -> None:
        with self.engine.begin() as conn:
            for table in self.tables:
                conn.execute(table.delete())


@pytest.fixture(scope="module")
def _portable(postgres_url: str) -> Iterator[_Portable]:
    database = _Portable(postgres_url)
    yield database
    database.engine.dispose()


class TestPortableContract(UnitOfWorkContract):
    """The portable path (a database the storage does not know) on a real server: the port's own checks
    hold every promise of the contract without the database's triggers."""

    supports_serializable = True
    supports_threads = True

    @pytest.fixture(autouse=True)
    def _server(self, _portable: _Portable) -> None:
        self._database = _portable

    def make_uow(self) -> UnitOfWork:
        self._database.empty()
        return SqlUnitOfWork(self._database.engine)

    def dispose_uow(self, uow: UnitOfWork) -> None:
        _dispose(uow, self._database.engine)

    def make_sibling(self, uow: UnitOfWork) -> UnitOfWork:
        assert isinstance(uow, SqlUnitOfWork)
        return SqlUnitOfWork(uow.engine)

    def reopen(self, uow: UnitOfWork) -> UnitOfWork:
        assert isinstance(uow, SqlUnitOfWork)
        return SqlUnitOfWork(uow.engine)
