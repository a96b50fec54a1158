"""The contract suite against a database a host brings (PostgreSQL- or MySQL-compatible, DM8, …), run
with one command — nothing to write::

    VOLUNTEER_CORE_CONTRACT_URL='mysql+pymysql://user:secret@db-host:3306/volunteer_test' \\
        python -m pytest --pyargs volunteer_core.testing.database_contract -p no:cacheprovider

The URL names an **empty test database**: :func:`~volunteer_core.storage.sql.create_schema` lays the
schema out in it, and every test empties it again (:func:`~volunteer_core.storage.sql.empty_test_database`).
The database runs the row of the dialect table that :func:`~volunteer_core.storage.sql.dialect_of` finds
for it; ``VOLUNTEER_CORE_CONTRACT_DIALECT=postgresql`` (or ``mysql``, ``portable``) chooses one. A database
whose reads wait for writers (MySQL-compatible ones) is declared so by ``VOLUNTEER_CORE_CONTRACT_READS_WAIT=1``
(the default for the ``mysql`` row). Without ``VOLUNTEER_CORE_CONTRACT_URL`` the module holds no test.

>>> TestDatabaseContract.supports_serializable
True
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

import pytest

from volunteer_core.ports import UnitOfWork
from volunteer_core.testing.contract import UnitOfWorkContract

if TYPE_CHECKING:
    import sqlalchemy as sa

__all__ = ["CONTRACT_DIALECT_ENV", "CONTRACT_URL_ENV", "TestDatabaseContract"]

#: The environment variable naming the host's empty test database (a SQLAlchemy URL).
CONTRACT_URL_ENV = "VOLUNTEER_CORE_CONTRACT_URL"
#: The environment variable choosing the row of the dialect table (optional).
CONTRACT_DIALECT_ENV = "VOLUNTEER_CORE_CONTRACT_DIALECT"
_READS_WAIT_ENV = "VOLUNTEER_CORE_CONTRACT_READS_WAIT"


def _engine_for(url: str) -> sa.Engine:
    """An engine on the test database, on the row of the dialect table chosen (if any)."""
    from volunteer_core.storage.sql import SqlUnitOfWork

    engine = SqlUnitOfWork(url).engine  # as the storage makes one from a URL: its lock timeouts included
    chosen = os.environ.get(CONTRACT_DIALECT_ENV)
    if chosen:
        engine = engine.execution_options(volunteer_core_dialect=chosen)
    return engine


class TestDatabaseContract(UnitOfWorkContract):
    """:class:`~volunteer_core.testing.contract.UnitOfWorkContract` on the database of
    ``VOLUNTEER_CORE_CONTRACT_URL`` through :class:`~volunteer_core.storage.sql.SqlUnitOfWork`."""

    __test__: ClassVar[bool] = bool(os.environ.get(CONTRACT_URL_ENV))

    supports_serializable = True
    supports_threads = True

    @pytest.fixture(autouse=True, scope="class")
    def _database(self) -> Iterator[None]:
        from volunteer_core.storage.sql import create_schema, dialect_of

        engine = create_schema(_engine_for(os.environ[CONTRACT_URL_ENV]))
        waits = os.environ.get(_READS_WAIT_ENV)
        type(self).reads_wait_for_writers = (
            waits == "1" if waits is not None else dialect_of(engine).family == "mysql"
        )
        type(self)._engine = engine
        yield
        engine.dispose()

    _engine: ClassVar[sa.Engine]

    def make_uow(self) -> UnitOfWork:
        from volunteer_core.storage.sql import SqlUnitOfWork, empty_test_database

        return SqlUnitOfWork(empty_test_database(self._engine))

    def make_sibling(self, uow: UnitOfWork) -> UnitOfWork:
        from volunteer_core.storage.sql import SqlUnitOfWork

        assert isinstance(uow, SqlUnitOfWork)
        return SqlUnitOfWork(uow.engine)

    def reopen(self, uow: UnitOfWork) -> UnitOfWork:
        from volunteer_core.storage.sql import SqlUnitOfWork

        assert isinstance(uow, SqlUnitOfWork)
        return SqlUnitOfWork(_engine_for(uow.engine.url.render_as_string(hide_password=False)))

    def dispose_uow(self, uow: UnitOfWork) -> None:
        from volunteer_core.storage.sql import SqlUnitOfWork

        if isinstance(uow, SqlUnitOfWork) and uow.engine is not self._engine:
            uow.engine.dispose()
