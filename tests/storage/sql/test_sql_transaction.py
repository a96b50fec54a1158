"""The SQL unit of work's transaction (``storage/sql/_uow.py``, ``_transaction.py``): a repository needs an
open one, and on PostgreSQL (SERIALIZABLE) a transaction that lost a race can only be rolled back."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
import sqlalchemy as sa
from sql_support import BRANCH

from volunteer_core import Pairing
from volunteer_core.calendar.dates import DateRange
from volunteer_core.errors import ConcurrencyConflict, StorageError
from volunteer_core.storage.sql import SqlUnitOfWork


def test_an_open_transaction_is_needed(sql_uow: SqlUnitOfWork) -> None:
    with pytest.raises(StorageError):
        sql_uow.branches.list()
    with pytest.raises(StorageError):
        sql_uow.commit()


def test_postgres_a_concurrent_update_is_a_conflict(pg_engine: sa.Engine) -> None:
    setup = SqlUnitOfWork(pg_engine)
    with setup:
        setup.branches.add(BRANCH)
        setup.commit()
    first, second = SqlUnitOfWork(pg_engine), SqlUnitOfWork(pg_engine)
    with first, second:
        mine = first.branches.get("b1")
        theirs = second.branches.get("b1")
        first.branches.update(attrs.evolve(mine, name="第一"))
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            second.branches.update(attrs.evolve(theirs, name="第二"))
        with pytest.raises(ConcurrencyConflict):  # the transaction lost: it can only be rolled back
            second.branches.list()
        with pytest.raises(ConcurrencyConflict):
            second.commit()
    with second:
        assert second.branches.get("b1").name == "第一"


def test_postgres_a_predicate_race_is_a_conflict(pg_engine: sa.Engine) -> None:
    """Write skew: both see no pairing of the target and add one; serializable isolation refuses one."""
    period = DateRange(date(2026, 1, 1))
    first, second = SqlUnitOfWork(pg_engine), SqlUnitOfWork(pg_engine)
    with first, second:
        assert first.pairings.for_target("u1") == []
        assert second.pairings.for_target("u1") == []
        first.pairings.add(Pairing(id="pr1", branch_ids={"b1"}, target_id="u1", mode="solo", period=period))
        second.pairings.add(Pairing(id="pr2", branch_ids={"b2"}, target_id="u1", mode="solo", period=period))
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            second.commit()
    with first:
        assert [p.id for p in first.pairings.for_target("u1")] == ["pr1"]
