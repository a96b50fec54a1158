"""Driver errors → the library's errors (``storage/sql/_errors.py``): a locked SQLite database is a
conflict, a broken one a ``StorageError`` chained to the driver's error."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from volunteer_core.errors import ConcurrencyConflict, StorageError
from volunteer_core.storage.sql import SqlUnitOfWork, create_schema


def test_a_locked_sqlite_database_is_a_conflict(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    create_schema(f"sqlite:///{path}").dispose()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    uow = SqlUnitOfWork(f"sqlite:///{path}?timeout=0.2")
    try:
        with pytest.raises(ConcurrencyConflict), uow:
            pass
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with uow:
        assert uow.branches.list() == []
    uow.engine.dispose()


def test_a_broken_database_is_a_storage_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'broken.db'}"
    uow = SqlUnitOfWork(create_schema(url))
    with uow:
        uow.branches.list()
    with uow.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE locks")
    try:
        with uow:
            with pytest.raises(StorageError) as caught:
                uow.locks.list()
            assert not isinstance(caught.value, ConcurrencyConflict)
            assert isinstance(caught.value.__cause__, sa.exc.SQLAlchemyError)
    finally:
        uow.engine.dispose()
