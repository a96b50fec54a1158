"""Driver errors → the library's errors (``storage/sql/_errors.py``): a locked SQLite database is a
conflict, a broken one a ``StorageError`` chained to the driver's error; a refused reference or constraint
an ``InvalidInput`` that says its code and field first, the driver's error its cause, not its message."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from volunteer_core import Branch, Member
from volunteer_core.errors import ConcurrencyConflict, InvalidInput, StorageError
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


def test_a_dangling_reference_says_its_code_first_and_chains_the_driver_error() -> None:
    """``input.reference @ branch_id`` is the first thing the error says; the driver's error is its cause,
    not part of its message (the README's snippet once showed a SQLAlchemy traceback text first)."""
    uow = SqlUnitOfWork(create_schema("sqlite://"))
    member = Member(id="m1", name="张三", branch_id="b9", joined_on=date(2020, 1, 2))
    with pytest.raises(InvalidInput) as caught, uow:
        uow.members.add(member)
    err = caught.value
    assert str(err).startswith("input.reference @ branch_id: ")
    assert (err.code, err.path) == ("input.reference", "branch_id")
    assert isinstance(err.__cause__, sa.exc.IntegrityError)
    assert "FOREIGN KEY" not in str(err)
    uow.engine.dispose()


def test_a_constraint_refusal_names_the_field_not_the_driver_text() -> None:
    """A value only the database's CHECK catches (set behind the model's back): ``input.invalid`` at the
    field, the driver's error chained as the cause and absent from the message."""
    uow = SqlUnitOfWork(create_schema("sqlite://"))
    with uow:
        uow.branches.add(Branch(id="b1", name="办公室党支部"))
        uow.commit()
    member = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2021, 1, 1))
    object.__setattr__(member, "left_on", date(2020, 1, 1))  # before joined_on: the model would refuse it
    with pytest.raises(InvalidInput) as caught, uow:
        uow.members.add(member)
    err = caught.value
    assert str(err).startswith("input.invalid @ left_on: ")
    assert isinstance(err.__cause__, sa.exc.IntegrityError)
    assert "CHECK constraint" not in str(err)
    assert "ck_members" not in str(err)
    uow.engine.dispose()
