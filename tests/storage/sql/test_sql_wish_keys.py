"""Idempotency keys of wishes in the SQL storage (``wish_keys``): stored with the wish in one step,
refused when already stored, found again after a commit."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
import sqlalchemy as sa

from volunteer_core import Beneficiary, Wish
from volunteer_core.errors import InvalidInput
from volunteer_core.storage.sql import SqlUnitOfWork
from volunteer_core.storage.sql import _schema as schema

BENEFICIARY = Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区")
WISH = Wish(id="w1", beneficiary_id="p1", kind="material", content="电视", collected_on=date(2026, 5, 1))


def _seed(uow: SqlUnitOfWork) -> None:
    with uow:
        uow.beneficiaries.add(BENEFICIARY)
        uow.wishes.add(WISH, idempotency_key="row-1")
        uow.commit()


def test_a_wish_is_found_by_its_key_after_commit(sql_uow: SqlUnitOfWork) -> None:
    _seed(sql_uow)
    with sql_uow:
        assert sql_uow.wishes.by_idempotency_key("row-1") == WISH
        assert sql_uow.wishes.by_idempotency_key("row-2") is None
    with sql_uow.engine.connect() as conn:
        keys = sa.select(schema.wish_keys.c.key, schema.wish_keys.c.wish_id)  # "key" is reserved in MySQL
        assert conn.execute(keys).all() == [("row-1", "w1")]


def test_a_stored_key_is_refused_and_nothing_of_the_wish_is_stored(sql_uow: SqlUnitOfWork) -> None:
    _seed(sql_uow)
    with sql_uow:
        with pytest.raises(InvalidInput) as caught:
            sql_uow.wishes.add(attrs.evolve(WISH, id="w2"), idempotency_key="row-1")
        assert (caught.value.code, caught.value.path) == ("input.duplicate", "idempotency_key")
        assert [w.id for w in sql_uow.wishes.list()] == ["w1"]
        # the transaction stays usable: a new key stores
        sql_uow.wishes.add(attrs.evolve(WISH, id="w2"), idempotency_key="row-2")
        sql_uow.commit()
    with sql_uow:
        assert sql_uow.wishes.by_idempotency_key("row-2") == attrs.evolve(WISH, id="w2")


def test_the_key_is_checked_before_the_id_and_a_refused_id_leaves_no_key(sql_uow: SqlUnitOfWork) -> None:
    _seed(sql_uow)
    with sql_uow:
        with pytest.raises(InvalidInput) as caught:
            sql_uow.wishes.add(WISH, idempotency_key="row-1")  # both the key and the id are taken
        assert caught.value.path == "idempotency_key"
        with pytest.raises(InvalidInput) as caught:
            sql_uow.wishes.add(WISH, idempotency_key="row-9")  # the id alone
        assert (caught.value.code, caught.value.path) == ("input.duplicate", "id")
        assert sql_uow.wishes.by_idempotency_key("row-9") is None
        with pytest.raises(InvalidInput) as caught:
            sql_uow.wishes.add(attrs.evolve(WISH, id="w3"), idempotency_key=7)  # type: ignore[arg-type]
        assert (caught.value.code, caught.value.path) == ("input.type", "idempotency_key")
