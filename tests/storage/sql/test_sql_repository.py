"""The SQL repositories (``storage/sql/_repository.py``): what the database's constraints and types add —
wrong types refused as the reference refuses them, values the database cannot hold as ``InvalidInput``."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from sql_support import BRANCH, MEMBER, seed

from volunteer_core import Branch
from volunteer_core.errors import InvalidInput
from volunteer_core.storage.sql import SqlUnitOfWork


def test_wrong_types_are_refused_as_the_reference_does(sql_uow: SqlUnitOfWork) -> None:
    seed(sql_uow)
    with sql_uow:
        with pytest.raises(InvalidInput) as caught:
            sql_uow.branches.add(MEMBER)  # type: ignore[arg-type]
        assert caught.value.code == "input.type"
        with pytest.raises(KeyError):  # NotFound is a KeyError
            sql_uow.members.get(1)  # type: ignore[arg-type]
        assert sql_uow.records.by_idempotency_key(1) is None  # type: ignore[arg-type]
        assert sql_uow.records.in_year("2026") is not None  # type: ignore[arg-type]
        assert list(sql_uow.records.in_year("2026")) == []  # type: ignore[arg-type]
        assert sql_uow.plans.for_branch("b1", 2026.0) == []  # type: ignore[arg-type]


def _unchecked(entity: Branch, **values: Any) -> Branch:
    """``entity`` with ``values`` set past its validators (the model refuses a NUL or a huge version
    itself): what a storage must still refuse cleanly when handed one."""
    made = attrs.evolve(entity)
    for name, value in values.items():
        object.__setattr__(made, name, value)
    return made


def test_values_the_database_cannot_hold_are_invalid_input(sql_uow: SqlUnitOfWork) -> None:
    postgres = sql_uow.engine.dialect.name == "postgresql"
    with sql_uow:
        with pytest.raises(InvalidInput) as caught:
            sql_uow.branches.add(_unchecked(Branch(id="b9", name="大"), version=2**70))
        assert caught.value.path == "version"
        if postgres:  # PostgreSQL text holds no NUL character (SQLite's does)
            with pytest.raises(InvalidInput) as caught:
                sql_uow.branches.add(_unchecked(Branch(id="b1", name="x"), id="b\x001", name="x\x00y"))
            assert caught.value.path == "id"
        with pytest.raises(KeyError):
            sql_uow.branches.get("b\x002")
        assert not sql_uow.locks.is_locked("b\x002", 2026)
        sql_uow.branches.add(BRANCH)  # the transaction is still usable
        sql_uow.commit()
    with sql_uow:
        assert BRANCH in sql_uow.branches.list()
