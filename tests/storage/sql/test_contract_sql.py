"""The integrators' repository contract (``volunteer_core.testing.contract``) on the SQL storage:
SQLite files and the PostgreSQL test server.

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

import pytest
import sqlalchemy as sa

from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.sql import SqlUnitOfWork, create_schema
from volunteer_core.testing.contract import UnitOfWorkContract


@pytest.fixture(scope="module")
def _contract_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[sa.Engine, list[sa.Table]]]:
    """One SQLite file with the schema for the module (one engine: its statement cache is reused), and
    its tables in the order to empty them."""
    path = tmp_path_factory.mktemp("contract") / "volunteer.db"
    engine = create_schema(f"sqlite:///{path}")
    reflected = sa.MetaData()
    reflected.reflect(engine)
    yield engine, [t for t in reversed(reflected.sorted_tables) if t.name != "schema_version"]
    engine.dispose()


def _url(uow: UnitOfWork) -> str:
    assert isinstance(uow, SqlUnitOfWork)
    return uow.engine.url.render_as_string(hide_password=False)


class TestSqliteContract(UnitOfWorkContract):
    supports_multiprocess = True

    @pytest.fixture(autouse=True)
    def _database(self, _contract_sqlite: tuple[sa.Engine, list[sa.Table]]) -> None:
        self._sqlite = _contract_sqlite

    def make_uow(self) -> UnitOfWork:
        engine, tables = self._sqlite
        with engine.begin() as conn:
            for table in tables:
                conn.execute(table.delete())
        return SqlUnitOfWork(engine)

    def process_factory(self, uow: UnitOfWork) -> Callable[[], UnitOfWork]:
        return functools.partial(SqlUnitOfWork, _url(uow))


class TestPostgresContract(UnitOfWorkContract):
    supports_serializable = True
    supports_threads = True
    supports_multiprocess = True

    @pytest.fixture(autouse=True)
    def _server(self, request: pytest.FixtureRequest) -> None:
        self._database = request.getfixturevalue("_postgres")

    def make_uow(self) -> UnitOfWork:
        self._database.empty()
        return SqlUnitOfWork(self._database.engine)

    def make_sibling(self, uow: UnitOfWork) -> UnitOfWork:
        assert isinstance(uow, SqlUnitOfWork)
        return SqlUnitOfWork(uow.engine)

    def process_factory(self, uow: UnitOfWork) -> Callable[[], UnitOfWork]:
        return functools.partial(SqlUnitOfWork, _url(uow))
